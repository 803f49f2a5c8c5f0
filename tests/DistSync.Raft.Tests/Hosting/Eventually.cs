namespace DistSync.Raft.Tests.Hosting;

/// <summary>Awaits a condition (polled every 20 ms) with a generous timeout; fails with what was awaited.</summary>
internal static class Eventually
{
    public static Task HoldsAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        HoldsAsync(() => Task.FromResult(condition()), timeout, what);

    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition()) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not reached within {timeout.TotalSeconds:0} s: {what}");
            await Task.Delay(20);
        }
    }
}
