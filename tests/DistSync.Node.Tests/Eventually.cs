namespace DistSync.Node.Tests;

/// <summary>Polls a condition until it holds or a generous deadline passes; failures name what was awaited and the last value seen.</summary>
internal static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last = default!;
        Exception? lastError = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await read();
                lastError = null;
                if (done(last)) return last;
            }
            catch (Exception e)
            {
                lastError = e;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{what}: not reached within {timeout.TotalSeconds:0} s; last value: {Describe(last)}{(lastError is null ? "" : $"; last error: {lastError.Message}")}");
    }

    private static string Describe<T>(T value) =>
        value is null ? "none" : System.Text.Json.JsonSerializer.Serialize(value, DistSync.Client.DistSyncJson.Options);
}
