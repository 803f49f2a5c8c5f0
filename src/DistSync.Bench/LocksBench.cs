using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DistSync.Client;
using ClosedLoopResult = DistSync.Bench.BenchSupport.ClosedLoopResult;

namespace DistSync.Bench;

/// <summary>
/// <c>./build.sh bench locks [--seconds S] [--clients 1,16,64] [--node-dll PATH] [--no-etcd]</c>
/// <para>Starts three DistSync node processes (the shipped hocon/dsync.conf: SQLite journal with fsync) on free loopback
/// ports, founding one meta group. Uncontended: each client has its own session and resource and repeats acquire
/// (try-lock) + release; prints cycles/s and cycle latency p50/p95/p99 per client count. Contended: 64 clients on 4
/// resources, each acquire waits up to 5 s then releases; prints grants/s and acquire latency p50/p95/p99. Clients
/// are spread round-robin over the three nodes (followers forward to the leader). If <c>etcd</c> is on PATH, the same
/// uncontended cycle runs against three etcd members through the JSON gateway: one lease per client, then
/// txn(create-if-absent with the lease) + delete per cycle, and the ratio is printed.</para>
/// <para>The node executable: <c>--node-dll</c>, else <c>$DSYNC_NODE_DLL</c>, else built with <c>dotnet build
/// src/DistSync.Node -c Release --artifacts-path $TMP/dsync-locksbench-build</c>.</para>
/// Targets (issue 7): uncontended at least 8,000 cycles/s at 64 clients with p99 under 20 ms.
/// </summary>
public sealed class LocksBench : IBenchmark
{
    public string Name => "locks";

    public string Description => "3 node processes (sqlite, fsync): lock acquire+release cycles/s at 1/16/64 clients, contended grants/s and latency; etcd ratio if installed";

    public async Task<int> RunAsync(string[] args)
    {
        var options = new BenchSupport.NodeBenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            if (options.TryApply(args, ref i)) continue;
            Console.Error.WriteLine($"locks: unknown or incomplete argument '{args[i]}'");
            return 2;
        }
        var (seconds, clientCounts, nodeDll, etcdWanted) = (options.Seconds, options.ClientCounts, options.NodeDll, options.EtcdWanted);
        if (seconds <= 0 || clientCounts.Any(c => c < 1))
        {
            Console.Error.WriteLine("locks: --seconds must be positive and every client count at least 1");
            return 2;
        }

        var (root, node, exitCode) = await BenchSupport.RootAndNodeAsync("locks", nodeDll, alsoFromBinary: false, "dsync-locksbench-build");
        if (exitCode != 0) return exitCode;
        nodeDll = node;

        var work = Path.Combine(Path.GetTempPath(), "dsync-locksbench-" + Guid.NewGuid().ToString("N")[..8]);
        var ours = new List<ClosedLoopResult>();
        Console.WriteLine($"locks bench: 3 node processes ({nodeDll}), work dir {work}, {seconds:0.#} s per run, {Environment.ProcessorCount} cores");
        using (var cluster = new BenchProcesses(work))
        {
            var http = BenchSupport.FreePorts(3);
            var remote = BenchSupport.FreePorts(3);
            for (var i = 0; i < 3; i++) BenchSupport.StartNode(cluster, nodeDll, root, work, http, remote, i, []);
            var clients = http.Select(p => new DistSyncClient($"127.0.0.1:{p}", TimeSpan.FromSeconds(30))).ToArray();
            try
            {
                await WaitForLeaderAsync(clients, cluster, TimeSpan.FromSeconds(60));
                await RunDistSyncAsync(clients, clientCounts, seconds, ours);
            }
            catch (TimeoutException e)
            {
                Console.Error.WriteLine($"locks: {e.Message}");
                cluster.DumpLogs(15);
                return 1;
            }
            finally
            {
                foreach (var c in clients) c.Dispose();
            }
        }

        var etcd = BenchSupport.FindOnPath("etcd");
        if (!etcdWanted) Console.WriteLine("etcd comparison: not run (--no-etcd)");
        else if (etcd is null) Console.WriteLine("etcd comparison: not run (no etcd on PATH)");
        else await CompareWithEtcdAsync(etcd, work, clientCounts, seconds, ours);
        BenchSupport.TryDelete(work);
        return 0;
    }

    private static void PrintHeader(string what) => BenchSupport.PrintHeader(what, 12);

    private static void PrintRow(ClosedLoopResult r) => BenchSupport.PrintRow(r, 12);

    private static async Task RunDistSyncAsync(DistSyncClient[] nodes, int[] clientCounts, double seconds, List<ClosedLoopResult> ours)
    {
        var run = 0;
        async Task<string[]> SessionsAsync(int count)
        {
            var sessions = new string[count];
            for (var w = 0; w < count; w++) sessions[w] = (await nodes[w % nodes.Length].CreateSessionAsync(TimeSpan.FromMinutes(5))).SessionId;
            return sessions;
        }

        // Warm-up (JIT, connections), not reported.
        var warm = await SessionsAsync(16);
        await DriveAsync(16, TimeSpan.FromSeconds(Math.Min(3, seconds)), async w =>
        {
            var node = nodes[w % nodes.Length];
            await node.AcquireAsync($"warm-{w}", warm[w]);
            await node.ReleaseAsync($"warm-{w}", warm[w]);
        });

        Console.WriteLine();
        Console.WriteLine("uncontended: own session and resource per client, acquire (try-lock) + release per cycle");
        PrintHeader("cycles/s");
        foreach (var c in clientCounts)
        {
            var sessions = await SessionsAsync(c);
            var r = run++;
            var row = await DriveAsync(c, TimeSpan.FromSeconds(seconds), async w =>
            {
                var node = nodes[w % nodes.Length];
                var resource = $"u{r}-{w}";
                await node.AcquireAsync(resource, sessions[w]);
                if (!await node.ReleaseAsync(resource, sessions[w])) throw new InvalidOperationException("release found nothing held");
            });
            PrintRow(row);
            ours.Add(row);
        }

        Console.WriteLine();
        Console.WriteLine("contended: 64 clients on 4 resources, exclusive acquire waiting up to 5 s, then release; latency = acquire");
        PrintHeader("grants/s");
        {
            var sessions = await SessionsAsync(64);
            var row = await DriveAsync(64, TimeSpan.FromSeconds(seconds), async w =>
            {
                var node = nodes[w % nodes.Length];
                var resource = $"c-{w % 4}";
                await node.AcquireAsync(resource, sessions[w], LockAccess.Exclusive, TimeSpan.FromSeconds(5));
                return () => node.ReleaseAsync(resource, sessions[w]);
            });
            PrintRow(row);
        }
    }

    /// <summary>Closed-loop workers; the latency of each successful cycle.</summary>
    private static Task<ClosedLoopResult> DriveAsync(int clients, TimeSpan duration, Func<int, Task> cycle) =>
        DriveAsync(clients, duration, async w =>
        {
            await cycle(w).ConfigureAwait(false);
            return null;
        });

    /// <summary>Closed-loop workers; the latency of the measured part, then the untimed rest (if any).</summary>
    private static Task<ClosedLoopResult> DriveAsync(int clients, TimeSpan duration, Func<int, Task<Func<Task<bool>>?>> measured) =>
        BenchSupport.DriveClosedLoopAsync(clients, duration, measured,
            e => e is DistSyncApiException or NodeUnreachableException or HttpRequestException or TaskCanceledException or InvalidOperationException);

    private static async Task WaitForLeaderAsync(DistSyncClient[] clients, BenchProcesses processes, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (await BenchSupport.AgreedLeaderAsync(clients) is not null) return;
            if (processes.AnyExited) throw new TimeoutException("a node process exited at startup");
            await Task.Delay(100);
        }
        throw new TimeoutException($"no leader agreed on within {timeout.TotalSeconds:0} s");
    }

    private static async Task CompareWithEtcdAsync(string etcd, string work, int[] clientCounts, double seconds, List<ClosedLoopResult> ours)
    {
        Console.WriteLine();
        Console.WriteLine($"etcd ({etcd}), 3 members on loopback (default fsync), JSON gateway: lease per client; cycle = txn create-if-absent with lease + delete");
        await BenchSupport.RunAgainstEtcdAsync(etcd, Path.Combine(work, "etcd"), "dsync-locksbench", async http =>
        {
            PrintHeader("cycles/s");
            var run = 0;
            foreach (var c in clientCounts)
            {
                var leases = new string[c];
                for (var w = 0; w < c; w++) leases[w] = await GrantLeaseAsync(http[w % http.Length]);
                var r = run++;
                var row = await DriveAsync(c, TimeSpan.FromSeconds(seconds), async w =>
                {
                    var client = http[w % http.Length];
                    var key = B64($"lock/u{r}-{w}");
                    var txn = new
                    {
                        compare = new[] { new { key, result = "EQUAL", target = "CREATE", create_revision = "0" } },
                        success = new[] { new { request_put = new { key, value = B64("held"), lease = leases[w] } } },
                    };
                    using (var response = await client.PostAsJsonAsync("v3/kv/txn", txn, EtcdJson).ConfigureAwait(false))
                    {
                        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                        if (!response.IsSuccessStatusCode || !text.Contains("\"succeeded\":true", StringComparison.Ordinal))
                            throw new HttpRequestException($"etcd txn not succeeded: {text}");
                    }
                    using var deleted = await client.PostAsJsonAsync("v3/kv/deleterange", new { key }, EtcdJson).ConfigureAwait(false);
                    if (!deleted.IsSuccessStatusCode) throw new HttpRequestException($"etcd delete answered {(int)deleted.StatusCode}");
                });
                PrintRow(row);
                BenchSupport.PrintEtcdRatio(ours, row, "cycles");
            }
        }, dumpLines: 15, dumpWithPath: true);
    }

    private static async Task<string> GrantLeaseAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("v3/lease/grant", new { TTL = 300 }, EtcdJson);
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("ID").GetString() ?? throw new JsonException("lease grant without ID");
    }

    /// <summary>etcd's gateway wants proto field names as written (TTL, create_revision): no camelCase policy.</summary>
    private static readonly JsonSerializerOptions EtcdJson = new();

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
