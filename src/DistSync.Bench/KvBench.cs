using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using DistSync.Client;
using ClosedLoopResult = DistSync.Bench.BenchSupport.ClosedLoopResult;

namespace DistSync.Bench;

/// <summary>
/// <c>./build.sh bench kv [--seconds S] [--clients 1,16,64] [--trials N] [--quick] [--leader-only] [--node-dll PATH] [--set key=value]... [--no-etcd]</c>
/// <para>Starts three DistSync node processes (SQLite journal, synchronous=FULL, i.e. fsync on) in a temporary
/// directory on free loopback ports, founding one meta group, and drives <c>PUT /kv</c> through DistSync.Client from
/// each client count for S seconds (clients spread round-robin over the three nodes, followers forwarding to the
/// leader; with <c>--leader-only</c> all on the leader). Prints ops/s and p50/p95/p99. Then failover time over N trials: kill -9 the leader, time until the first
/// successful write through a survivor; the killed node is restarted and caught up between trials; the median is
/// reported. If <c>etcd</c> is on PATH, the same PUT workload runs against a three-member etcd on loopback through
/// its JSON gateway (<c>POST /v3/kv/put</c>) and the ratio is printed.</para>
/// <para>Build step: the node executable is found at <c>--node-dll</c>, else <c>$DSYNC_NODE_DLL</c>, else the bench builds
/// it with <c>dotnet build src/DistSync.Node -c Release --artifacts-path $TMP/dsync-kvbench-build</c> from the
/// repository root (the directory holding <c>hocon/dsync.conf</c>, searched upwards from the working directory).</para>
/// Targets (issue 6): at least 15,000 writes/s at 64 clients, p99 under 15 ms, median failover under 1 s.
/// </summary>
public sealed class KvBench : IBenchmark
{
    private const int KeySpace = 1000;
    private const int ValueBytes = 100;
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan AttemptInterval = TimeSpan.FromMilliseconds(50);

    public string Name => "kv";

    public string Description => "3 node processes (sqlite, fsync): PUT /kv ops/s, p50/p95/p99 at 1/16/64 clients; failover time; etcd ratio if installed";

    public async Task<int> RunAsync(string[] args)
    {
        var options = new BenchSupport.NodeBenchOptions();
        var trials = 10;
        var sets = new List<string>();
        var leaderOnly = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (options.TryApply(args, ref i)) continue;
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--trials" when value is not null: trials = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--set" when value is not null: sets.Add(value); i++; break;
                case "--quick": options.Seconds = 3; trials = 5; break;
                case "--leader-only": leaderOnly = true; break;
                default:
                    Console.Error.WriteLine($"kv: unknown or incomplete argument '{args[i]}'");
                    return 2;
            }
        }
        var (seconds, clientCounts, nodeDll, etcdWanted) = (options.Seconds, options.ClientCounts, options.NodeDll, options.EtcdWanted);
        if (seconds <= 0 || trials < 1 || clientCounts.Any(c => c < 1))
        {
            Console.Error.WriteLine("kv: --seconds must be positive, --trials and every client count at least 1");
            return 2;
        }

        var (root, node, exitCode) = await BenchSupport.RootAndNodeAsync("kv", nodeDll, alsoFromBinary: true, "dsync-kvbench-build");
        if (exitCode != 0) return exitCode;
        nodeDll = node;
        if (!File.Exists(nodeDll))
        {
            Console.Error.WriteLine($"kv: the node executable {nodeDll} does not exist");
            return 2;
        }

        var work = Path.Combine(Path.GetTempPath(), "dsync-kvbench-" + Guid.NewGuid().ToString("N")[..8]);
        Console.WriteLine($"kv benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {seconds:0.#} s per run, " +
                          $"{ValueBytes}-byte values over {KeySpace} keys, data in {work}");
        var ours = new List<ClosedLoopResult>();
        double? failoverMedian;
        using (var cluster = new NodeCluster(nodeDll, root, work, sets))
        {
            try
            {
                cluster.StartAll();
                var leader = await cluster.WaitForLeaderAsync([0, 1, 2], TimeSpan.FromSeconds(60));
                // Round-robin over all nodes (followers forward inside the cluster), or only the leader.
                var clients = leaderOnly ? [cluster.Clients[leader]] : cluster.Clients;
                Func<int, string, string, CancellationToken, Task> put = (worker, key, value, ct) =>
                    clients[worker % clients.Length].PutAsync(key, value, null, ct);

                await DriveAsync(put, 16, TimeSpan.FromSeconds(Math.Min(3, seconds))); // warm-up: JIT, connections, journal
                Console.WriteLine();
                Console.WriteLine($"DistSync PUT /kv (3 processes, sqlite, fsync on; clients {(leaderOnly ? $"all on the leader n{leader + 1}" : "round-robin over the three nodes")})");
                PrintHeader();
                foreach (var c in clientCounts)
                {
                    var row = await DriveAsync(put, c, TimeSpan.FromSeconds(seconds));
                    ours.Add(row);
                    PrintRow(row);
                }

                Console.WriteLine();
                Console.WriteLine($"failover: kill -9 the leader -> first successful write through a survivor ({trials} trials)");
                failoverMedian = await FailoverAsync(cluster, trials);
            }
            catch (Exception e) when (e is TimeoutException or NodeUnreachableException or DistSyncApiException)
            {
                Console.Error.WriteLine($"kv: {e.Message}");
                cluster.DumpLogs();
                return 1;
            }
        }

        if (!etcdWanted)
        {
            Console.WriteLine("\netcd comparison: not run (--no-etcd)");
        }
        else if (BenchSupport.FindOnPath("etcd") is not { } etcd)
        {
            Console.WriteLine("\netcd comparison: not run (no etcd on PATH; Debian package etcd-server)");
        }
        else
        {
            await CompareWithEtcdAsync(etcd, work, clientCounts, seconds, ours);
        }

        Console.WriteLine();
        var at64 = ours.FirstOrDefault(r => r.Clients == 64);
        if (at64 is not null)
            Console.WriteLine($"targets: >= 15,000 writes/s at 64 clients: {at64.PerSecond:N0} ({(at64.PerSecond >= 15_000 ? "met" : "NOT met")}); " +
                              $"p99 < 15 ms: {at64.P99:0.00} ms ({(at64.P99 < 15 ? "met" : "NOT met")})");
        if (failoverMedian is { } m) Console.WriteLine($"targets: median failover < 1 s: {m:N0} ms ({(m < 1000 ? "met" : "NOT met")})");
        BenchSupport.TryDelete(work);
        return 0;
    }

    private static void PrintHeader() => BenchSupport.PrintHeader("ops/s", 10);

    private static void PrintRow(ClosedLoopResult r) => BenchSupport.PrintRow(r, 10);

    /// <summary>Runs <paramref name="clients"/> closed-loop writers for <paramref name="duration"/>; latencies of successful writes.</summary>
    private static Task<ClosedLoopResult> DriveAsync(Func<int, string, string, CancellationToken, Task> put, int clients, TimeSpan duration)
    {
        var value = new string('v', ValueBytes);
        var randoms = new Random[clients];
        for (var w = 0; w < clients; w++) randoms[w] = new Random(w);
        return BenchSupport.DriveClosedLoopAsync(clients, duration, async worker =>
        {
            var key = "bench-" + randoms[worker].Next(KeySpace).ToString(CultureInfo.InvariantCulture);
            await put(worker, key, value, CancellationToken.None).ConfigureAwait(false);
            return null;
        }, e => e is DistSyncApiException or NodeUnreachableException or HttpRequestException or TaskCanceledException);
    }

    private static async Task<double?> FailoverAsync(NodeCluster cluster, int trials)
    {
        var times = new List<double>(trials);
        for (var t = 1; t <= trials; t++)
        {
            var leader = await cluster.WaitForLeaderAsync([0, 1, 2], TimeSpan.FromSeconds(60));
            await cluster.WaitForCatchUpAsync(TimeSpan.FromSeconds(60));
            cluster.Kill(leader);
            var started = Stopwatch.GetTimestamp();
            var survivors = Enumerable.Range(0, 3).Where(i => i != leader).ToArray();
            // A new attempt every 50 ms, alternating survivors, without waiting for earlier ones (a request caught by
            // the crash may wait out its deadline); the time is that of the first attempt to succeed.
            var succeeded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var attempts = new List<Task>();
            var attempt = 0;
            while (!succeeded.Task.IsCompleted)
            {
                if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(60)) throw new TimeoutException($"failover trial {t}: no write succeeded within 60 s");
                var client = cluster.Clients[survivors[attempt++ % survivors.Length]];
                var value = $"trial-{t}";
                attempts.Add(Task.Run(async () =>
                {
                    try
                    {
                        using var deadline = new CancellationTokenSource(AttemptTimeout);
                        await client.PutAsync("failover", value, null, deadline.Token);
                        succeeded.TrySetResult();
                    }
                    catch (Exception e) when (e is DistSyncApiException or NodeUnreachableException or OperationCanceledException)
                    {
                        // not yet
                    }
                }));
                await Task.WhenAny(succeeded.Task, Task.Delay(AttemptInterval));
            }
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            times.Add(ms);
            await Task.WhenAll(attempts);
            Console.WriteLine($"  trial {t,2}: killed n{leader + 1}, first write after {ms,7:N0} ms ({attempt} attempts started)");
            cluster.Restart(leader);
        }
        times.Sort();
        var median = times.Count % 2 == 1 ? times[times.Count / 2] : (times[times.Count / 2 - 1] + times[times.Count / 2]) / 2;
        Console.WriteLine($"failover median {median:N0} ms, min {times[0]:N0} ms, max {times[^1]:N0} ms");
        return median;
    }

    private static async Task CompareWithEtcdAsync(string etcd, string work, int[] clientCounts, double seconds, List<ClosedLoopResult> ours)
    {
        Console.WriteLine();
        Console.WriteLine($"etcd ({etcd}) PUT /v3/kv/put through its JSON gateway (3 members on loopback, default fsync)");
        await BenchSupport.RunAgainstEtcdAsync(etcd, Path.Combine(work, "etcd"), "dsync-kvbench", async clients =>
        {
            Func<int, string, string, CancellationToken, Task> put = async (worker, key, value, ct) =>
            {
                var body = new { key = Convert.ToBase64String(Encoding.UTF8.GetBytes(key)), value = Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) };
                using var response = await clients[worker % clients.Length].PostAsJsonAsync("v3/kv/put", body, ct).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode) throw new HttpRequestException($"etcd answered {(int)response.StatusCode}");
            };
            await DriveAsync(put, 16, TimeSpan.FromSeconds(Math.Min(3, seconds)));
            PrintHeader();
            foreach (var c in clientCounts)
            {
                var row = await DriveAsync(put, c, TimeSpan.FromSeconds(seconds));
                PrintRow(row);
                BenchSupport.PrintEtcdRatio(ours, row, "throughput");
            }
        }, dumpLines: 10, dumpWithPath: false);
    }
}
