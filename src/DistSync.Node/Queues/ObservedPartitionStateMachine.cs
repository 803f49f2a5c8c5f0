using DistSync.Raft.Hosting;
using DistSync.Queues;
using DistSync.Raft;

namespace DistSync.Node.Queues;

/// <summary>A partition's state machine as this node hosts it: the replicated <see cref="QueuePartitionStateMachine"/>,
/// plus a pulse after every applied entry so consumers long-polling on this node look again (the replica applies
/// every produce and every lease that returns). Nothing here changes what is replicated.</summary>
public sealed class ObservedPartitionStateMachine(QueuePartitionStateMachine inner, AsyncPulse applied) : IRaftStateMachine
{
    public QueuePartitionStateMachine Inner { get; } = inner;

    /// <summary>This node's replica's counts of a hosted partition group, read on the group's thread without a round
    /// trip (the one query every caller of a partition's stats makes).</summary>
    public static Task<QueuePartitionStats> LocalStatsAsync(IRaftGroup group, CancellationToken ct) =>
        group.QueryAsync(sm => ((ObservedPartitionStateMachine)sm).Inner.Stats(), linearizable: false, ct);

    public long? NextDeadlineMs => Inner.NextDeadlineMs;

    public ReadOnlyMemory<byte> ExpireCommand => Inner.ExpireCommand;

    public ReadOnlyMemory<byte> Apply(AppliedEntry entry)
    {
        var result = Inner.Apply(entry);
        applied.Pulse();
        return result;
    }

    public byte[] Snapshot() => Inner.Snapshot();

    public void Restore(ReadOnlySpan<byte> snapshot)
    {
        Inner.Restore(snapshot);
        applied.Pulse();
    }
}
