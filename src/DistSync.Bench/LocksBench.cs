using System.Diagnostics;
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
            var clients = http.Select(p => NodeAccess.Plain.Client(p, TimeSpan.FromSeconds(30))).ToArray();
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
        // Warm-up (JIT, connections), not reported.
        var warm = await LockCycles.SessionsAsync(nodes, 16);
        await LockCycles.DistSyncCycleAsync(nodes, warm, 16, TimeSpan.FromSeconds(Math.Min(3, seconds)), "warm");

        Console.WriteLine();
        Console.WriteLine("uncontended: own session and resource per client, acquire (try-lock) + release per cycle");
        PrintHeader("cycles/s");
        var run = 0;
        foreach (var c in clientCounts)
        {
            var sessions = await LockCycles.SessionsAsync(nodes, c);
            var row = await LockCycles.DistSyncCycleAsync(nodes, sessions, c, TimeSpan.FromSeconds(seconds), $"u{run++}");
            PrintRow(row);
            ours.Add(row);
        }

        Console.WriteLine();
        Console.WriteLine("contended: 64 clients on 4 resources, exclusive acquire waiting up to 5 s, then release; latency = acquire");
        PrintHeader("grants/s");
        {
            var sessions = await LockCycles.SessionsAsync(nodes, 64);
            PrintRow(await LockCycles.DistSyncContendedAsync(nodes, sessions, 64, 4, TimeSpan.FromSeconds(seconds), "c"));
        }
    }

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
                var leases = await LockCycles.LeasesAsync(http, c);
                var row = await LockCycles.EtcdCycleAsync(http, leases, c, TimeSpan.FromSeconds(seconds), $"u{run++}");
                PrintRow(row);
                BenchSupport.PrintEtcdRatio(ours, row, "cycles");
            }
        }, dumpLines: 15, dumpWithPath: true);
    }
}
