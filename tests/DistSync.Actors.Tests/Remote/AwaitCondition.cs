using System.Diagnostics;

namespace DistSync.Actors.Tests.Remote;

/// <summary>Polls a condition until it holds or a generous deadline passes (machines running these tests are busy).</summary>
internal static class AwaitCondition
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"condition not met within {limit}: {what}");
            }

            await Task.Delay(10);
        }
    }
}
