namespace DistSync.Queues;

/// <summary>
/// Limits and windows of a queue partition. They decide results, so every replica of a group must use the same values
/// (cluster-wide config, not a node's local file).
/// </summary>
public sealed record QueueOptions
{
    public static QueueOptions Default { get; } = new();

    /// <summary>How long (log time) a produced message id is remembered, so a retry inside it stores nothing.</summary>
    public long DedupeWindowMs { get; init; } = 300_000;

    /// <summary>Largest payload a produce may carry (API.md: 413 above it at the HTTP layer; here it guards the log).</summary>
    public int MaxPayloadBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// Deliveries a message gets before it is dead-lettered: the lease of delivery number <c>MaxDeliveries</c>
    /// expiring, or being nacked or released, moves the message to the dead-letter sub-queue.
    /// </summary>
    public int MaxDeliveries { get; init; } = 5;

    /// <summary>Largest <c>max</c> of a consume (API.md: 1..1000).</summary>
    public int MaxConsumeBatch { get; init; } = 1000;

    /// <summary>
    /// Payload bytes one consume leases at most (it always leases at least one message when one is ready), so a
    /// result of 1000 large messages cannot outgrow what a proposal's answer may carry across nodes.
    /// </summary>
    public int MaxConsumeBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Longest visibility timeout a consume may ask for.</summary>
    public long MaxVisibilityMs { get; init; } = 12 * 3_600_000;

    /// <summary>Longest delay a nack may ask for.</summary>
    public long MaxDelayMs { get; init; } = 12 * 3_600_000;

    /// <summary>Most receipts one ack or nack may carry.</summary>
    public int MaxReceipts { get; init; } = 1000;

    /// <summary>Longest message id, key and fence resource accepted (characters).</summary>
    public int MaxIdLength { get; init; } = 512;

    /// <exception cref="ArgumentException">A bound is not positive, or one consume could not carry a largest message.</exception>
    public void Validate()
    {
        if (DedupeWindowMs < 0)
        {
            throw new ArgumentException($"DedupeWindowMs must not be negative, was {DedupeWindowMs}.");
        }

        if (MaxPayloadBytes <= 0 || MaxDeliveries <= 0 || MaxConsumeBatch <= 0 || MaxReceipts <= 0 || MaxIdLength <= 0)
        {
            throw new ArgumentException("MaxPayloadBytes, MaxDeliveries, MaxConsumeBatch, MaxReceipts and MaxIdLength must be positive.");
        }

        if (MaxVisibilityMs <= 0 || MaxDelayMs < 0)
        {
            throw new ArgumentException($"MaxVisibilityMs must be positive and MaxDelayMs not negative, were {MaxVisibilityMs} and {MaxDelayMs}.");
        }

        if (MaxConsumeBytes < MaxPayloadBytes)
        {
            throw new ArgumentException($"MaxConsumeBytes ({MaxConsumeBytes}) must hold at least one largest payload ({MaxPayloadBytes}).");
        }
    }
}
