using DistSync.Raft.Journal;
using Akka.Actor;
using DistSync.Raft.Hosting.Wire;

namespace DistSync.Raft.Hosting;

// Messages between a RaftActor and its RaftLogActor (local only, never on the wire).

/// <summary>Persist one Ready's snapshot chunks, snapshot, entries and hard state as one atomic write; answered with
/// <see cref="BatchPersisted"/> unless <paramref name="Reply"/> is false (a lazily written commit index nobody waits for).</summary>
internal sealed record PersistBatch(IReadOnlyList<SnapshotChunk> Chunks, Snapshot? Snapshot, IReadOnlyList<Entry> Entries, HardState? HardState, bool Reply = true) : INoSerializationVerificationNeeded;

/// <summary>The batch is durable.</summary>
internal sealed record BatchPersisted : INoSerializationVerificationNeeded
{
    public static readonly BatchPersisted Instance = new();
}

/// <summary>Recovery finished: the rebuilt storage now belongs to the RaftActor.</summary>
internal sealed record LogRecovered(JournaledRaftStorage Storage) : INoSerializationVerificationNeeded;

/// <summary>Store the whole (compacted) log as the persistence snapshot and delete the events it covers.</summary>
internal sealed record SaveLogState(RaftLogState State) : INoSerializationVerificationNeeded;
