namespace DistSync.Client.Contracts;

/// <summary>One partition in <c>GET /queue/stats/{queue}</c>: its Raft group's leader and replicas, message counts
/// (ready includes delayed; deadLettered = in the dead-letter queue), totals and rates over the last seconds.</summary>
public sealed record QueuePartitionStatus(int Id, int GroupId, string? Leader, IReadOnlyList<string> Replicas, IReadOnlyList<string> MovingTo,
    long Ready, long Inflight, long DeadLettered, long Produced, long Acked, double ProducedPerSec, double AckedPerSec);
