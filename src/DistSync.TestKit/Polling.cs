using System.Diagnostics;

namespace DistSync.TestKit;

/// <summary>
/// Polls an assertion or condition until it holds or the (dilated) time is up. Polling is the point here:
/// it waits for a state to be reached, it is not a fixed sleep standing in for synchronisation.
/// </summary>
internal static class Polling
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(20);

    public static void AwaitAssert(Action assertion, TimeSpan max, TimeSpan? interval)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        var start = Stopwatch.GetTimestamp();
        var pause = interval ?? DefaultInterval;
        while (true)
        {
            try
            {
                assertion();
                return;
            }
            catch (Exception) when (Stopwatch.GetElapsedTime(start) < max)
            {
                // Deliberate: AwaitAssert polls (as Akka's does) for state that raises no event; bounded by max.
                Thread.Sleep(pause);
            }
        }
    }

    public static void AwaitCondition(Func<bool> condition, TimeSpan max, TimeSpan? interval, string? message)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var start = Stopwatch.GetTimestamp();
        var pause = interval ?? DefaultInterval;
        while (!condition())
        {
            if (Stopwatch.GetElapsedTime(start) >= max)
            {
                throw new TestKitAssertionException(
                    $"AwaitCondition: {message ?? "condition"} not met within {max.TotalMilliseconds:0} ms.");
            }

            // Deliberate: the synchronous AwaitCondition polls, bounded by max; use AwaitConditionAsync where possible.
            Thread.Sleep(pause);
        }
    }

    public static async Task AwaitConditionAsync(Func<bool> condition, TimeSpan max, TimeSpan? interval, string? message)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var start = Stopwatch.GetTimestamp();
        var pause = interval ?? DefaultInterval;
        while (!condition())
        {
            if (Stopwatch.GetElapsedTime(start) >= max)
            {
                throw new TestKitAssertionException(
                    $"AwaitCondition: {message ?? "condition"} not met within {max.TotalMilliseconds:0} ms.");
            }

            await Task.Delay(pause).ConfigureAwait(false);
        }
    }
}
