using System.Diagnostics;
using DistSync.Client;

namespace DistSync.Bench;

/// <summary>
/// The failover measurement bench kv and bench compare share, for DistSync and etcd alike: after the leader was
/// killed, the time until the first write through a survivor succeeds, and the median/max over the trials.
/// </summary>
internal static class FailoverProbe
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan AttemptInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Starts a write attempt every 50 ms, alternating <paramref name="survivors"/>, without waiting for earlier ones (a
    /// request caught by the crash may wait out its deadline); ms since the call to the first success, and attempts started.
    /// </summary>
    public static async Task<(double Ms, int Attempts)> FirstWriteAsync(int[] survivors, Func<int, CancellationToken, Task> put, string trial)
    {
        var started = Stopwatch.GetTimestamp();
        var succeeded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = new List<Task>();
        var attempt = 0;
        while (!succeeded.Task.IsCompleted)
        {
            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(60)) throw new TimeoutException($"failover {trial}: no write succeeded within 60 s");
            var survivor = survivors[attempt++ % survivors.Length];
            attempts.Add(Task.Run(async () =>
            {
                try
                {
                    using var deadline = new CancellationTokenSource(AttemptTimeout);
                    await put(survivor, deadline.Token);
                    succeeded.TrySetResult();
                }
                catch (Exception e) when (e is DistSyncApiException or NodeUnreachableException or OperationCanceledException or HttpRequestException)
                {
                    // not yet
                }
            }));
            await Task.WhenAny(succeeded.Task, Task.Delay(AttemptInterval));
        }
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        await Task.WhenAll(attempts);
        return (ms, attempt);
    }

    /// <summary>Prints and returns the median and max of the trials' times.</summary>
    public static (double Median, double Max) Summarize(List<double> times)
    {
        times.Sort();
        var median = times.Count % 2 == 1 ? times[times.Count / 2] : (times[times.Count / 2 - 1] + times[times.Count / 2]) / 2;
        Console.WriteLine($"failover median {median:N0} ms, min {times[0]:N0} ms, max {times[^1]:N0} ms");
        return (median, times[^1]);
    }
}
