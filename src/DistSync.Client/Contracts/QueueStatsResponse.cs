namespace DistSync.Client.Contracts;

/// <summary><c>GET /queue/stats/{queue}</c> answer.</summary>
public sealed record QueueStatsResponse(string Queue, IReadOnlyList<QueuePartitionStatus> Partitions);
