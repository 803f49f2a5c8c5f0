using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DistSync.Client;
using ClosedLoopResult = DistSync.Bench.BenchSupport.ClosedLoopResult;

namespace DistSync.Bench;

/// <summary>
/// <c>./build.sh bench kv [--seconds S] [--clients 1,16,64] [--trials N] [--quick] [--phases put,range,watch,txn,failover]
/// [--watchers 100] [--watch-rate 20] [--leader-only] [--node-dll PATH] [--set key=value]... [--no-etcd]</c>
/// <para>Starts three DistSync node processes (SQLite journal, synchronous=FULL, i.e. fsync on) in a temporary
/// directory on free loopback ports, founding one meta group, and runs, each for S seconds per client count (clients
/// spread round-robin over the three nodes, followers forwarding to the leader; with <c>--leader-only</c> the put
/// phase's all on the leader):</para>
/// <para>put: <c>PUT /kv</c> through DistSync.Client, ops/s and p50/p95/p99. range: linearizable
/// <c>GET /kv?prefix=&amp;limit=1000</c> over 1,000 preloaded keys of 16 bytes. watch: W watchers of one key
/// (<c>GET /kv/watch</c>, SSE) on nodes 2 and 3, one writer putting R times a second through node 1; latency from
/// the put's send to each watcher's read of the event, and every watcher must see every put once and in order.
/// txn: each client compare-and-swaps its own key (<c>POST /kv/txn</c>). failover: N trials of kill -9 the leader,
/// time until the first successful write through a survivor (the killed node restarts and catches up between
/// trials), median reported.</para>
/// <para>etcd: when <c>/usr/bin/etcd</c> (or etcd on PATH) exists and unless <c>--no-etcd</c>, after DistSync's nodes
/// have stopped (the two never share the machine), the bench starts its own 3-member etcd on loopback
/// (<see cref="EtcdCluster"/>, etcd's default durable settings) and runs put, range, watch and txn with the same
/// shapes through its JSON gateway (<see cref="EtcdKvTarget"/>), then prints both side by side with the ratios and
/// the targets. Without etcd the bench says so and runs DistSync alone. <c>--quick</c>: 3 s runs, 1 s warm-ups,
/// 3 failover trials.</para>
/// <para>Build step: the node executable is found at <c>--node-dll</c>, else <c>$DSYNC_NODE_DLL</c>, else the bench builds
/// it with <c>dotnet build src/DistSync.Node -c Release --artifacts-path $TMP/dsync-kvbench-build</c> from the
/// repository root (the directory holding <c>hocon/dsync.conf</c>, searched upwards from the working directory).</para>
/// Targets (issue 6): at least 15,000 writes/s at 64 clients, p99 under 15 ms, median failover under 1 s. (issue 16):
/// watch p99 no higher than etcd's; range and txn throughput no lower than etcd's.
/// </summary>
public sealed class KvBench : IBenchmark
{
    private const int KeySpace = 1000;
    private const int ValueBytes = 100;
    private static readonly string[] AllPhases = ["put", "range", "watch", "txn", "failover"];

    public string Name => "kv";

    public string Description => "3 node processes (sqlite, fsync): PUT, range, watch, txn at 1/16/64 clients; failover time; beside a 3-member etcd if installed";

    public async Task<int> RunAsync(string[] args)
    {
        var options = new BenchSupport.NodeBenchOptions();
        var trials = 10;
        var sets = new List<string>();
        var leaderOnly = false;
        var quick = false;
        var phases = new HashSet<string>(AllPhases, StringComparer.Ordinal);
        var watchers = 100;
        var watchRate = 20.0;
        for (var i = 0; i < args.Length; i++)
        {
            if (options.TryApply(args, ref i)) continue;
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--trials" when value is not null: trials = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--set" when value is not null: sets.Add(value); i++; break;
                case "--phases" when value is not null: phases = new HashSet<string>(value.Split(','), StringComparer.Ordinal); i++; break;
                case "--watchers" when value is not null: watchers = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--watch-rate" when value is not null: watchRate = double.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--quick": quick = true; options.Seconds = 3; trials = 3; break;
                case "--leader-only": leaderOnly = true; break;
                default:
                    Console.Error.WriteLine($"kv: unknown or incomplete argument '{args[i]}'");
                    return 2;
            }
        }
        var (seconds, clientCounts, nodeDll, etcdWanted) = (options.Seconds, options.ClientCounts, options.NodeDll, options.EtcdWanted);
        if (seconds <= 0 || trials < 1 || clientCounts.Any(c => c < 1) || watchers < 1 || watchRate <= 0 || !phases.IsSubsetOf(AllPhases))
        {
            Console.Error.WriteLine("kv: --seconds and --watch-rate must be positive, --trials, --watchers and every client count at least 1, " +
                                    $"--phases a list of {string.Join(",", AllPhases)}");
            return 2;
        }
        var selection = new KvPhases.Selection(phases.Contains("range"), phases.Contains("watch"), phases.Contains("txn"));
        var warm = TimeSpan.FromSeconds(quick ? 1 : Math.Min(3, seconds));
        var shape = new KvPhases.Shape(clientCounts, TimeSpan.FromSeconds(seconds), warm, watchers, watchRate);

        var (root, node, exitCode) = await BenchSupport.RootAndNodeAsync("kv", nodeDll, alsoFromBinary: true, "dsync-kvbench-build");
        if (exitCode != 0) return exitCode;
        nodeDll = node;
        if (!File.Exists(nodeDll))
        {
            Console.Error.WriteLine($"kv: the node executable {nodeDll} does not exist");
            return 2;
        }

        var work = Path.Combine(Path.GetTempPath(), "dsync-kvbench-" + Guid.NewGuid().ToString("N")[..8]);
        Console.WriteLine($"kv benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {seconds:0.#} s per run, {warm.TotalSeconds:0.#} s warm-ups, " +
                          $"phases {string.Join(",", AllPhases.Where(phases.Contains))}, data in {work}, load average {BenchSupport.LoadAverage()}");
        Console.WriteLine("DistSync settings: the shipped hocon/dsync.conf (SQLite journal, synchronous=FULL: fsync before a write is acknowledged), log level warning" +
                          (sets.Count > 0 ? ", plus " + string.Join(" ", sets) : ""));
        // Ctrl-C would otherwise leave the three nodes running and the data behind (etcd's cluster cleans up after itself)
        NodeCluster? running = null;
        ConsoleCancelEventHandler onCancel = (_, _) =>
        {
            running?.Dispose();
            BenchSupport.TryDelete(work);
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await RunPhasesAsync();
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        async Task<int> RunPhasesAsync()
        {
            var ours = new KvResults();
            double? failoverMedian = null;
            using (var cluster = new NodeCluster(nodeDll, root, work, sets))
            using (var target = new DistSyncKvTarget(cluster))
            {
                running = cluster;
                try
                {
                    cluster.StartAll();
                    var leader = await cluster.WaitForLeaderAsync([0, 1, 2], TimeSpan.FromSeconds(60));
                    Console.WriteLine($"DistSync: 3 nodes up, meta leader n{leader + 1}");
                    if (phases.Contains("put"))
                    {
                        // Round-robin over all nodes (followers forward inside the cluster), or only the leader.
                        var clients = leaderOnly ? [cluster.Clients[leader]] : cluster.Clients;
                        Func<int, string, string, CancellationToken, Task> put = (worker, key, value, ct) =>
                            clients[worker % clients.Length].PutAsync(key, value, null, ct);

                        await DriveAsync(put, 16, warm); // warm-up: JIT, connections, journal
                        Console.WriteLine();
                        Console.WriteLine($"DistSync PUT /kv (3 processes, sqlite, fsync on; clients {(leaderOnly ? $"all on the leader n{leader + 1}" : "round-robin over the three nodes")})");
                        PrintHeader();
                        foreach (var c in clientCounts)
                        {
                            var row = await DriveAsync(put, c, TimeSpan.FromSeconds(seconds));
                            ours.Put.Add(row);
                            PrintRow(row);
                        }
                    }

                    await KvPhases.RunAsync(target, selection, shape, ours);

                    if (phases.Contains("failover"))
                    {
                        Console.WriteLine();
                        Console.WriteLine($"failover: kill -9 the leader -> first successful write through a survivor ({trials} trials)");
                        failoverMedian = (await FailoverAsync(cluster, trials)).Median;
                    }
                }
                catch (Exception e) when (e is TimeoutException or NodeUnreachableException or DistSyncApiException or HttpRequestException)
                {
                    Console.Error.WriteLine($"kv: {e.Message}");
                    cluster.DumpLogs();
                    return 1;
                }
                finally
                {
                    running = null;
                }
            }
            Console.WriteLine($"{"",8} load average after DistSync's runs: {BenchSupport.LoadAverage()}");

            KvResults? theirs = null;
            var etcdVersion = "";
            if (!etcdWanted)
            {
                Console.WriteLine("\netcd comparison: not run (--no-etcd)");
            }
            else if (EtcdCluster.Find() is not { } etcd)
            {
                Console.WriteLine("\netcd comparison: not run (no /usr/bin/etcd and no etcd on PATH; Debian package etcd-server)");
            }
            else
            {
                (theirs, etcdVersion) = await RunEtcdAsync(etcd, phases.Contains("put"), selection, shape);
            }

            if (theirs is not null) KvComparison.Print(ours, theirs, etcdVersion);
            Console.WriteLine();
            var at64 = ours.Put.FirstOrDefault(r => r.Clients == 64);
            if (at64 is not null)
                Console.WriteLine($"targets: >= 15,000 writes/s at 64 clients: {at64.PerSecond:N0} ({(at64.PerSecond >= 15_000 ? "met" : "NOT met")}); " +
                                  $"p99 < 15 ms: {at64.P99:0.00} ms ({(at64.P99 < 15 ? "met" : "NOT met")})");
            if (failoverMedian is { } m) Console.WriteLine($"targets: median failover < 1 s: {m:N0} ms ({(m < 1000 ? "met" : "NOT met")})");
            BenchSupport.TryDelete(work);
            return 0;
        }
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

    /// <summary>Kill -9 of the leader, <paramref name="trials"/> times; median and max ms until a survivor accepted a write (bench compare reuses it).</summary>
    internal static async Task<(double Median, double Max)> FailoverAsync(NodeCluster cluster, int trials)
    {
        var times = new List<double>(trials);
        for (var t = 1; t <= trials; t++)
        {
            var leader = await cluster.WaitForLeaderAsync([0, 1, 2], TimeSpan.FromSeconds(60));
            await cluster.WaitForCatchUpAsync(TimeSpan.FromSeconds(60));
            cluster.Kill(leader);
            var survivors = Enumerable.Range(0, 3).Where(i => i != leader).ToArray();
            var value = $"trial-{t}";
            var (ms, attempts) = await FailoverProbe.FirstWriteAsync(survivors, (s, ct) => cluster.Clients[s].PutAsync("failover", value, null, ct), $"trial {t}");
            times.Add(ms);
            Console.WriteLine($"  trial {t,2}: killed n{leader + 1}, first write after {ms,7:N0} ms ({attempts} attempts started)");
            cluster.Restart(leader);
        }
        return FailoverProbe.Summarize(times);
    }

    /// <summary>
    /// The etcd side: its own 3-member cluster (deleted afterwards), then the put phase and <see cref="KvPhases"/> with
    /// the same shapes. Null results (after printing why and the members' logs) when etcd fails.
    /// </summary>
    private static async Task<(KvResults? Results, string Version)> RunEtcdAsync(string etcd, bool putPhase, KvPhases.Selection selection, KvPhases.Shape shape)
    {
        Console.WriteLine();
        // its own directory, which EtcdCluster deletes on dispose, Ctrl-C or exit
        var dir = Path.Combine(Path.GetTempPath(), "dsync-kvbench-etcd-" + Guid.NewGuid().ToString("N")[..8]);
        Console.WriteLine($"etcd: starting 3 members of {etcd} on loopback, data in {dir}; {EtcdCluster.Settings}");
        using var cluster = new EtcdCluster(etcd, dir, "dsync-kvbench");
        using var target = new EtcdKvTarget(cluster);
        var theirs = new KvResults();
        try
        {
            await cluster.StartAsync();
            var leader = await cluster.LeaderAsync();
            Console.WriteLine($"etcd {cluster.Version}: 3 members healthy, leader {(leader >= 0 ? $"e{leader + 1}" : "unknown")}; load average {BenchSupport.LoadAverage()}");
            if (putPhase)
            {
                var clients = cluster.Clients;
                Func<int, string, string, CancellationToken, Task> put = async (worker, key, value, ct) =>
                {
                    var body = new { key = Convert.ToBase64String(Encoding.UTF8.GetBytes(key)), value = Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) };
                    using var response = await clients[worker % clients.Length].PostAsJsonAsync("v3/kv/put", body, ct).ConfigureAwait(false);
                    if (!response.IsSuccessStatusCode) throw new HttpRequestException($"etcd answered {(int)response.StatusCode}");
                };
                await DriveAsync(put, 16, shape.WarmUp);
                Console.WriteLine();
                Console.WriteLine("etcd PUT /v3/kv/put through its JSON gateway (clients round-robin over the three members)");
                PrintHeader();
                foreach (var c in shape.ClientCounts)
                {
                    var row = await DriveAsync(put, c, shape.Window);
                    theirs.Put.Add(row);
                    PrintRow(row);
                }
            }
            await KvPhases.RunAsync(target, selection, shape, theirs);
            Console.WriteLine($"{"",8} load average after etcd's runs: {BenchSupport.LoadAverage()}");
            return (theirs, cluster.Version);
        }
        catch (Exception e) when (e is TimeoutException or HttpRequestException or JsonException)
        {
            Console.Error.WriteLine($"etcd comparison failed: {e.Message}");
            cluster.DumpLogs(10, withPath: false);
            return (null, cluster.Version);
        }
    }
}
