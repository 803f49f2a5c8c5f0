using System.Runtime.CompilerServices;
using Akka.Actor;

namespace DistSync.Persistence.Encryption;

/// <summary>
/// Records of one actor system that encryption at rest refused to hand back (tag mismatch, unknown key id,
/// malformed, or plaintext while plaintext is refused): each one failed a recovery. Readable from any thread;
/// the node's /metrics exports them as <c>dsync_persistence_decrypt_failures_total{kind}</c>.
/// </summary>
public sealed class DataAtRestMetrics
{
    private static readonly ConditionalWeakTable<ActorSystem, DataAtRestMetrics> BySystem = new();
    private long _journal, _snapshot;

    /// <summary>The counters of <paramref name="system"/> (zero until a plugin refuses a record).</summary>
    public static DataAtRestMetrics For(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return BySystem.GetValue(system, _ => new DataAtRestMetrics());
    }

    /// <summary>Journal events refused on replay.</summary>
    public long JournalDecryptFailures => Interlocked.Read(ref _journal);

    /// <summary>Snapshots refused on load.</summary>
    public long SnapshotDecryptFailures => Interlocked.Read(ref _snapshot);

    internal void CountJournal() => Interlocked.Increment(ref _journal);

    internal void CountSnapshot() => Interlocked.Increment(ref _snapshot);
}
