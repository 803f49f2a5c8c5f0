namespace DistSync.Actors.Remote.Transport;

/// <summary>
/// Exponential reconnect delay with "equal jitter": attempt n waits between half and all of
/// min * 2^n (capped at max), so peers that lost each other at once do not reconnect in lock-step.
/// The random source is injected (seeded) so tests replay.
/// </summary>
public sealed class ReconnectBackoff
{
    private readonly TimeSpan _min;
    private readonly TimeSpan _max;
    private readonly Random _random;

    public ReconnectBackoff(TimeSpan min, TimeSpan max, Random random)
    {
        if (min <= TimeSpan.Zero || max < min)
        {
            throw new ArgumentException($"backoff needs 0 < min <= max, got {min} / {max}");
        }

        _min = min;
        _max = max;
        _random = random ?? throw new ArgumentNullException(nameof(random));
    }

    /// <summary>Delay before reconnect attempt <paramref name="attempt"/> (0 = first retry).</summary>
    public TimeSpan Next(int attempt)
    {
        var cap = _min.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
        var ceiling = Math.Min(cap, _max.TotalMilliseconds);
        double fraction;
        lock (_random)
        {
            fraction = _random.NextDouble();
        }

        return TimeSpan.FromMilliseconds((ceiling / 2) + (fraction * ceiling / 2));
    }
}
