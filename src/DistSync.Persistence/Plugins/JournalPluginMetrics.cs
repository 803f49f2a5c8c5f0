using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Akka.Actor;

namespace DistSync.Persistence.Plugins;

/// <summary>
/// Counters of one <see cref="DistSyncJournal"/> (per actor system and plugin id), readable from any thread: /metrics,
/// the bench and the group-commit spec. They outlive restarts of the plugin actor. A batch is one engine write call:
/// one SQLite transaction (one fsync) or one Redis MULTI/EXEC. Also recorded on the Meter "DistSync.Persistence"
/// (<see cref="PersistenceInstruments"/>), which /metrics exports.
/// </summary>
public sealed class JournalPluginMetrics
{
    /// <summary>Upper bounds (µs) of the commit-latency buckets; a last, unbounded bucket follows.</summary>
    public static IReadOnlyList<long> LatencyBucketsMicros { get; } = [250, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 500_000];

    private static readonly ConditionalWeakTable<ActorSystem, ConcurrentDictionary<string, JournalPluginMetrics>> BySystem = new();

    private readonly long[] _buckets = new long[LatencyBucketsMicros.Count + 1];
    private long _batches, _failedBatches, _atomicWrites, _events, _rejections, _largestBatch;
    private long _latencyTotalMicros, _latencyMaxMicros;
    private Func<int> _waiting = static () => 0;
    private readonly System.Diagnostics.TagList _tags;

    private JournalPluginMetrics(string system, string pluginId) => _tags = PersistenceInstruments.Tags(system, pluginId);

    /// <summary>The counters of the journal plugin <paramref name="pluginId"/> of <paramref name="system"/> (created
    /// empty if that plugin has not started yet).</summary>
    public static JournalPluginMetrics For(ActorSystem system, string pluginId = PersistencePlugins.JournalId)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentException.ThrowIfNullOrEmpty(pluginId);
        return BySystem.GetValue(system, _ => new ConcurrentDictionary<string, JournalPluginMetrics>(StringComparer.Ordinal))
            .GetOrAdd(pluginId, id => new JournalPluginMetrics(system.Name, id));
    }

    /// <summary>Engine write calls (batches) that committed.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Engine write calls that failed (a failed batch of several requests is retried request by request).</summary>
    public long FailedBatches => Interlocked.Read(ref _failedBatches);

    /// <summary>Atomic writes (one Persist or PersistAll each) in committed batches.</summary>
    public long AtomicWrites => Interlocked.Read(ref _atomicWrites);

    /// <summary>Events in committed batches.</summary>
    public long Events => Interlocked.Read(ref _events);

    /// <summary>Atomic writes rejected before storing (serialization failures); the actor keeps running.</summary>
    public long Rejections => Interlocked.Read(ref _rejections);

    /// <summary>Most atomic writes one committed batch held.</summary>
    public long LargestBatch => Interlocked.Read(ref _largestBatch);

    /// <summary>Write requests queued for the next batch (not counting the batch being committed).</summary>
    public int WaitingRequests => _waiting();

    /// <summary>Sum and maximum of the commit latency (engine call incl. fsync) of every batch, in µs.</summary>
    public long CommitLatencyTotalMicros => Interlocked.Read(ref _latencyTotalMicros);

    public long CommitLatencyMaxMicros => Interlocked.Read(ref _latencyMaxMicros);

    /// <summary>Batches per latency bucket (not cumulative), see <see cref="LatencyBucketsMicros"/>.</summary>
    public IReadOnlyList<long> CommitLatencyBuckets
    {
        get
        {
            var copy = new long[_buckets.Length];
            for (var i = 0; i < copy.Length; i++) copy[i] = Interlocked.Read(ref _buckets[i]);
            return copy;
        }
    }

    /// <summary>
    /// Called after every committed batch with its atomic writes and its commit time (fsync included), on the writer's
    /// thread: the node's /metrics observes its histograms here. Must not block or allocate; null: nobody listens.
    /// </summary>
    public Action<int, TimeSpan>? BatchCommitted { get; set; }

    internal void AttachQueue(Func<int> waiting) => _waiting = waiting;

    internal void CountRejection()
    {
        Interlocked.Increment(ref _rejections);
        PersistenceInstruments.Rejections.Add(1, _tags);
    }

    internal void RecordBatch(int atomicWrites, int events, TimeSpan elapsed, bool committed)
    {
        var micros = (long)elapsed.TotalMicroseconds;
        Interlocked.Add(ref _latencyTotalMicros, micros);
        RaiseTo(ref _latencyMaxMicros, micros);
        var bucket = 0;
        while (bucket < LatencyBucketsMicros.Count && micros > LatencyBucketsMicros[bucket]) bucket++;
        Interlocked.Increment(ref _buckets[bucket]);
        PersistenceInstruments.CommitSeconds.Record(elapsed.TotalSeconds, _tags);
        if (!committed)
        {
            Interlocked.Increment(ref _failedBatches);
            PersistenceInstruments.FailedBatches.Add(1, _tags);
            return;
        }
        PersistenceInstruments.Batches.Add(1, _tags);
        PersistenceInstruments.AtomicWrites.Add(atomicWrites, _tags);
        PersistenceInstruments.Events.Add(events, _tags);
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _atomicWrites, atomicWrites);
        Interlocked.Add(ref _events, events);
        RaiseTo(ref _largestBatch, atomicWrites);
        BatchCommitted?.Invoke(atomicWrites, elapsed);
    }

    private static void RaiseTo(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current) return;
            current = seen;
        }
    }
}
