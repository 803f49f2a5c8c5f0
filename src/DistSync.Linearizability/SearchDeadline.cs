using System.Diagnostics;

namespace DistSync.Linearizability;

/// <summary>When the checker must give up: a wall-clock budget and/or a cancellation token.</summary>
internal readonly struct SearchDeadline
{
    private readonly long _endTimestamp;
    private readonly CancellationToken _cancellation;

    public SearchDeadline(TimeSpan? timeout, CancellationToken cancellation)
    {
        if (timeout is { } t && t < TimeSpan.Zero && t != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), t, "The timeout must be positive, zero, or infinite.");
        }

        _endTimestamp = timeout is { } span && span != Timeout.InfiniteTimeSpan
            ? Stopwatch.GetTimestamp() + (long)Math.Min(span.TotalSeconds * Stopwatch.Frequency, long.MaxValue / 4)
            : long.MaxValue;
        _cancellation = cancellation;
    }

    public bool Expired => _cancellation.IsCancellationRequested || Stopwatch.GetTimestamp() >= _endTimestamp;
}
