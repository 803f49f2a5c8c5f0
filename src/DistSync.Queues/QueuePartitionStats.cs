namespace DistSync.Queues;

/// <summary>
/// Counts of one partition at the log time of its last applied entry (<c>GET /queue/stats</c>). Ready, Delayed and
/// InFlight are the queue itself; DeadLettered is everything in its dead-letter queue, split in the DeadLetter*
/// counts, for <c>&lt;queue&gt;.dlq</c>'s own stats.
/// </summary>
/// <param name="Delayed">Nacked with a delay that has not passed yet.</param>
/// <param name="ProducedTotal">Messages stored since the partition began (duplicates and refusals not counted).</param>
/// <param name="AckedTotal">Messages acked, from either sub-queue.</param>
/// <param name="DeadLetteredTotal">Moves into the dead-letter queue.</param>
public sealed record QueuePartitionStats(
    int Ready,
    int Delayed,
    int InFlight,
    int DeadLettered,
    int DeadLetterReady,
    int DeadLetterDelayed,
    int DeadLetterInFlight,
    long ProducedTotal,
    long AckedTotal,
    long DeadLetteredTotal,
    long LastAppliedIndex,
    long LastLogTimeMs);
