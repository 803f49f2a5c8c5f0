namespace DistSync.Locks;

/// <summary>
/// Bounds the state machine checks input against. They decide results, so every replica must use the same values
/// (they come from cluster-wide config, not from a node's local file).
/// </summary>
public sealed record LockServiceOptions
{
    public static LockServiceOptions Default { get; } = new();

    public long MinSessionTtlMs { get; init; } = 1_000;

    public long MaxSessionTtlMs { get; init; } = 3_600_000;

    /// <summary>Longest wait an acquire may ask for.</summary>
    public long MaxWaitMs { get; init; } = 3_600_000;

    public int MaxResourceLength { get; init; } = 512;

    /// <summary>Longest client id, txn id and session id accepted.</summary>
    public int MaxIdLength { get; init; } = 256;

    /// <exception cref="ArgumentException">The bounds contradict each other.</exception>
    public void Validate()
    {
        if (MinSessionTtlMs <= 0 || MaxSessionTtlMs < MinSessionTtlMs)
        {
            throw new ArgumentException($"Session TTL bounds [{MinSessionTtlMs}, {MaxSessionTtlMs}] ms must be positive and ordered.");
        }

        if (MaxWaitMs <= 0)
        {
            throw new ArgumentException($"MaxWaitMs must be positive, was {MaxWaitMs}.");
        }

        if (MaxResourceLength <= 0 || MaxIdLength <= 0)
        {
            throw new ArgumentException("MaxResourceLength and MaxIdLength must be positive.");
        }
    }
}
