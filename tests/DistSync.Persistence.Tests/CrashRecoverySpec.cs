using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace DistSync.Persistence.Tests;

/// <summary>
/// An acknowledged Persist survives kill -9: a child process persists events through four Akka persistent actors
/// (ReceivePersistentActor on the dsync journal plugin, so through its group commit) and
/// prints each acknowledged sequence number; the test kills it with SIGKILL mid-stream, starts it again in
/// recovery mode and checks that every acknowledged event came back, gap-free.
/// </summary>
public sealed class CrashRecoverySpec
{
    private const int Actors = 4;
    private const int AcksBeforeKill = 2000;
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Every_acknowledged_event_survives_SIGKILL_with_the_sqlite_journal()
    {
        using var dir = new TempDirectory();

        var acked = await WriteUntilKilledAsync("sqlite", dir.Path);
        var recovered = await RecoverAsync("sqlite", dir.Path);

        AssertEveryAckRecovered(acked, recovered);
    }

    [Fact]
    public async Task Every_acknowledged_event_survives_SIGKILL_of_writer_and_server_with_redis_appendfsync_always()
    {
        using var server = new RedisServerFixture();

        var acked = await WriteUntilKilledAsync("redis", server.Endpoint);
        server.CrashAndRestart(); // the server too dies without a goodbye; only its fsynced AOF remains
        var recovered = await RecoverAsync("redis", server.Endpoint);

        AssertEveryAckRecovered(acked, recovered);
    }

    private static void AssertEveryAckRecovered(IReadOnlyDictionary<string, long> acked, IReadOnlyDictionary<string, (long Last, long Count, string Shape)> recovered)
    {
        Assert.Equal(Actors, acked.Count);
        Assert.True(acked.Values.Sum() >= AcksBeforeKill, $"only {acked.Values.Sum()} acks were seen before the kill");
        foreach (var (pid, highestAcked) in acked)
        {
            Assert.True(recovered.TryGetValue(pid, out var r), $"{pid} did not report its recovery");
            Assert.True(r.Last >= highestAcked, $"{pid}: acknowledged up to {highestAcked} but recovered only up to {r.Last}");
            Assert.Equal(r.Last, r.Count);
            Assert.Equal("gap-free", r.Shape);
        }
    }

    private static ProcessStartInfo CrashHost(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "DistSync.Persistence.CrashHost.dll");
        Assert.True(File.Exists(dll), $"crash host not built next to the tests: {dll}");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        return start;
    }

    /// <summary>Runs the writer until enough acks were printed, SIGKILLs it, and returns the highest ack per actor.</summary>
    private static async Task<IReadOnlyDictionary<string, long>> WriteUntilKilledAsync(string plugin, string target)
    {
        var highest = new ConcurrentDictionary<string, long>();
        var total = 0;
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new ConcurrentQueue<string>();
        using var process = Process.Start(CrashHost("write", plugin, target, Actors.ToString(CultureInfo.InvariantCulture)))!;
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) errors.Enqueue(e.Data); };
        process.OutputDataReceived += (_, e) =>
        {
            // Only lines printed after the journal acknowledged the event count: "ack <pid> <seqNr>".
            var parts = e.Data?.Split(' ');
            if (parts is not ["ack", var pid, var seq]) return;
            var seqNr = long.Parse(seq, CultureInfo.InvariantCulture);
            highest.AddOrUpdate(pid, seqNr, (_, old) => Math.Max(old, seqNr));
            if (Interlocked.Increment(ref total) >= AcksBeforeKill) enough.TrySetResult();
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Task.WhenAny(enough.Task, process.WaitForExitAsync()).WaitAsync(Generous);
            Assert.False(process.HasExited, $"the writer exited early with {(process.HasExited ? process.ExitCode : 0)}: {string.Join('\n', errors)}");
        }
        finally
        {
            process.Kill(); // SIGKILL: no shutdown hooks, no flushing
        }
        await process.WaitForExitAsync().WaitAsync(Generous); // also drains the acks still in the pipe
        return highest;
    }

    private static async Task<IReadOnlyDictionary<string, (long Last, long Count, string Shape)>> RecoverAsync(string plugin, string target)
    {
        using var process = Process.Start(CrashHost("recover", plugin, target, Actors.ToString(CultureInfo.InvariantCulture)))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Generous);
        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"recovery exited with {process.ExitCode}: {await stderr}\n{output}");
        var result = new Dictionary<string, (long, long, string)>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.Split(' ') is ["recovered", var pid, var last, var count, var shape])
                result[pid] = (long.Parse(last, CultureInfo.InvariantCulture), long.Parse(count, CultureInfo.InvariantCulture), shape);
        }
        return result;
    }
}
