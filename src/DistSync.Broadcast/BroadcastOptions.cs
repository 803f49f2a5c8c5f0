namespace DistSync.Broadcast;

/// <summary>
/// Retention and input limits of the broadcast topics. They decide results, so every replica of the meta group must
/// use the same values (cluster-wide config, not a node's local file).
/// </summary>
public sealed record BroadcastOptions
{
    /// <summary>Longest <see cref="MaxAgeMs"/> accepted: 100 years, so log time plus it cannot overflow.</summary>
    public const long MaxAgeLimitMs = 100L * 365 * 24 * 3_600_000;

    public static BroadcastOptions Default { get; } = new();

    /// <summary>Messages retained per topic; a publish beyond it trims the oldest.</summary>
    public int MaxMessages { get; init; } = 10_000;

    /// <summary>
    /// Log time a message is retained for (per topic, by the message's log time); also how long a client that
    /// publishes nothing keeps its dedupe state.
    /// </summary>
    public long MaxAgeMs { get; init; } = 24 * 3_600_000;

    /// <summary>Largest payload, in UTF-8 bytes.</summary>
    public int MaxPayloadBytes { get; init; } = 64 * 1024;

    /// <summary>Longest topic name, in UTF-8 bytes.</summary>
    public int MaxTopicBytes { get; init; } = 256;

    /// <summary>Longest client id, in UTF-8 bytes.</summary>
    public int MaxClientIdBytes { get; init; } = 256;

    /// <summary>
    /// Client sequence numbers remembered per client per topic: the last this many accepted publishes of a client
    /// answer a repeat with their first seq; a repeat of an older one is stale.
    /// </summary>
    public int DedupeWindow { get; init; } = 1_000;

    /// <exception cref="ArgumentOutOfRangeException">A bound is not positive, or the age is beyond <see cref="MaxAgeLimitMs"/>.</exception>
    public void Validate()
    {
        Positive(MaxMessages, nameof(MaxMessages));
        Positive(MaxPayloadBytes, nameof(MaxPayloadBytes));
        Positive(MaxTopicBytes, nameof(MaxTopicBytes));
        Positive(MaxClientIdBytes, nameof(MaxClientIdBytes));
        Positive(DedupeWindow, nameof(DedupeWindow));
        if (MaxAgeMs is < 1 or > MaxAgeLimitMs)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAgeMs), MaxAgeMs, $"MaxAgeMs must be 1..{MaxAgeLimitMs}.");
        }
    }

    private static void Positive(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");
        }
    }
}
