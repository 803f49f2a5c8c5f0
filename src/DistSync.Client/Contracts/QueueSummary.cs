namespace DistSync.Client.Contracts;

/// <summary>One queue in <c>GET /queue/list</c>: its partition count and message counts summed over them (a
/// dead-letter queue <c>&lt;queue&gt;.dlq</c> is listed after its queue).</summary>
public sealed record QueueSummary(string Queue, int Partitions, long Ready, long Inflight, long DeadLettered);
