using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace DistSync.Persistence.Plugins;

/// <summary>
/// The journal plugin's instruments on the Meter "DistSync.Persistence", for in-process listeners (dotnet-counters,
/// specs); the node's /metrics reads <see cref="JournalPluginMetrics"/> instead, per actor system. Tagged with the actor system and plugin id, so several systems in one process (tests,
/// benches) stay apart. The same figures are readable in code through <see cref="JournalPluginMetrics"/>.
/// </summary>
internal static class PersistenceInstruments
{
    public const string MeterName = "DistSync.Persistence";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> Batches =
        Meter.CreateCounter<long>("dsync.persistence.journal.batches", description: "engine write batches committed (one transaction + fsync, or one MULTI/EXEC, each)");

    public static readonly Counter<long> FailedBatches =
        Meter.CreateCounter<long>("dsync.persistence.journal.failed_batches", description: "engine write batches that failed");

    public static readonly Counter<long> AtomicWrites =
        Meter.CreateCounter<long>("dsync.persistence.journal.atomic_writes", description: "Persist/PersistAll calls in committed batches");

    public static readonly Counter<long> Events =
        Meter.CreateCounter<long>("dsync.persistence.journal.events", description: "events in committed batches");

    public static readonly Counter<long> Rejections =
        Meter.CreateCounter<long>("dsync.persistence.journal.rejections", description: "atomic writes rejected before storing (serialization)");

    public static readonly Histogram<double> CommitSeconds =
        Meter.CreateHistogram<double>("dsync.persistence.journal.commit_seconds", unit: "s", description: "time to commit one batch, fsync included");

    public static TagList Tags(string system, string plugin) => new() { { "system", system }, { "plugin", plugin } };
}
