using System.Diagnostics;
using System.Globalization;
using DistSync.Client;
using ClosedLoopResult = DistSync.Bench.BenchSupport.ClosedLoopResult;

namespace DistSync.Bench;

/// <summary>
/// <c>./build.sh bench compare [--quick] [--seconds S] [--clients 1,16,64] [--trials N] [--node-dll PATH] [--no-etcd] [--no-rabbit]
/// [--secure | --security plain|secure|both] [--check] [--baseline PATH] [--save-baseline]</c>
/// <para>One run, same workloads, DistSync first and then etcd (never both on the machine at once): put, linearizable
/// get (a one-key range), lock cycle (DistSync try-lock + release; etcd lease + txn create-if-absent + delete),
/// contended lock (the largest client count over 4 lock names), each closed-loop at every client count, round-robin
/// over 3 members; then failover (kill -9 of DistSync's leader, time to the next committed write, median/max over the
/// trials, both systems; the probe is one write every 50 ms, there is no background write load); with rabbitmq-server present, queue end to end
/// (N confirmed producers + N consumers acking) on DistSync's queue vs a RabbitMQ quorum queue (bench queues' phase (b)). Prints one side-by-side table with ratios
/// and the load average, and writes it to <c>artifacts/bench/compare-&lt;UTC&gt;.csv</c>. Without etcd it runs
/// <c>apt-get install -y etcd-server</c> when root, else says how and measures DistSync alone.
/// <c>--quick</c>: 2 s runs, one 24 s warm-up per system (40 s without it), then 1 s warm-ups, 1 and 16 clients, 2 failover trials.
/// <c>--check</c>: then hold each row's ratio against the same row of <c>artifacts/bench/baseline.csv</c> (or
/// <c>--baseline PATH</c>) and exit 1 when one dropped more than 15% (failover: when it rose, lower is better there);
/// rows on one side only are listed, not failed. <c>--save-baseline</c>: write this run's rows as the new baseline.
/// <c>--secure</c> (= <c>--security secure</c>): the DistSync side with security fully on (<see cref="NodeAccess"/>: HTTPS,
/// mTLS between nodes, an admin bearer token on every request), rows <c>distsync-secure</c>; <c>--security both</c>: the
/// DistSync side twice, plain then secure, each on a fresh cluster with its own warm-up, so one table holds both and
/// etcd. The reference side is unchanged.</para>
/// </summary>
public sealed class CompareBench : IBenchmark
{
    private const int KeySpace = 1000;
    private const int ContendedResources = 4;
    private const string GetKey = "get/k";

    /// <summary>--check fails when a row's ratio moved more than this against DistSync (2 s runs on shared cores are noisy).</summary>
    private const double MaxRatioDrop = 0.15;

    public string Name => "compare";

    public string Description => "one run, DistSync then etcd 3.4 (3 members each): put, get, lock cycle, contended lock, failover; queue vs RabbitMQ if present; table + CSV; --check against artifacts/bench/baseline.csv";

    public async Task<int> RunAsync(string[] args)
    {
        var options = new BenchSupport.NodeBenchOptions();
        var trials = 5;
        var quick = false;
        var clientsGiven = false;
        var rabbitWanted = true;
        var check = false;
        var saveBaseline = false;
        string? baselinePath = null;
        string[] systems = [CompareTable.Plain];
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--clients") clientsGiven = true;
            if (options.TryApply(args, ref i)) continue;
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--trials" when value is not null: trials = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--quick": quick = true; options.Seconds = 2; trials = 2; break;
                case "--no-rabbit": rabbitWanted = false; break;
                case "--check": check = true; break;
                case "--save-baseline": saveBaseline = true; break;
                case "--secure": systems = [CompareTable.Secure]; break;
                case "--security" when value is "plain" or "secure" or "both":
                    systems = value switch { "plain" => [CompareTable.Plain], "secure" => [CompareTable.Secure], _ => [CompareTable.Plain, CompareTable.Secure] };
                    i++;
                    break;
                case "--baseline" when value is not null: baselinePath = Path.GetFullPath(value); i++; break;
                default:
                    Console.Error.WriteLine($"compare: unknown or incomplete argument '{args[i]}'");
                    return 2;
            }
        }
        // --quick's fewer clients, unless --clients says otherwise
        var clientCounts = quick && !clientsGiven ? [1, 16] : options.ClientCounts;
        if (options.Seconds <= 0 || trials < 1 || Array.Exists(clientCounts, c => c < 1))
        {
            Console.Error.WriteLine("compare: --seconds must be positive, --trials and every client count at least 1");
            return 2;
        }
        var window = TimeSpan.FromSeconds(options.Seconds);
        var warm = TimeSpan.FromSeconds(quick ? 1 : Math.Min(3, options.Seconds));
        // Before the first measured run each system gets one longer warm-up at 16 clients over put, get and lock cycle,
        // both alike. A fresh DistSync node spends most of its CPU in the JIT for the first ~12 s of a workload
        // (measured with dotnet-counters: 0.3-0.85 s of JIT time per second, ~6,000 methods, then ~0) and runs at a
        // third of its steady rate meanwhile (a 1-client put at a tenth); etcd, compiled ahead of time, needs none.
        // Without it the first rows measure the JIT.
        var systemWarm = TimeSpan.FromSeconds(quick ? 24 : 40);
        var started = Stopwatch.GetTimestamp();
        var loadStart = BenchSupport.LoadAverage();

        var (root, nodeDll, exitCode) = await BenchSupport.RootAndNodeAsync("compare", options.NodeDll, alsoFromBinary: true, "dsync-compare-build");
        if (exitCode != 0) return exitCode;
        var etcd = options.EtcdWanted ? FindOrInstallEtcd() : null;
        var rabbit = rabbitWanted ? RabbitCluster.FindBinDirectory() : null;
        if (rabbitWanted && rabbit is null) Console.WriteLine("RabbitMQ: rabbitmq-server not found; the queue row is skipped");
        Console.WriteLine($"compare: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {options.Seconds:0.#} s per run, {systemWarm.TotalSeconds:0} s warm-up per system, {warm.TotalSeconds:0.#} s per workload, " +
                          $"clients {string.Join(",", clientCounts)}, {trials} failover trials, load average {loadStart}");

        var table = new CompareTable(systems);
        foreach (var system in systems) await DistSyncAsync(nodeDll, root, system, clientCounts, window, warm, systemWarm, trials, rabbit, table);

        if (etcd is not null) await EtcdAsync(etcd, clientCounts, window, warm, systemWarm, trials, table);
        if (rabbit is not null)
        {
            var dir = Path.Combine(Path.GetTempPath(), "dsync-compare-rabbit-" + Guid.NewGuid().ToString("N")[..8]);
            foreach (var r in await RabbitQueueComparison.EndToEndRowsAsync(rabbit, dir, clientCounts, warm, window) ?? []) AddQueue(table, "RabbitMQ", null, r);
            BenchSupport.TryDelete(dir);
        }

        var loadEnd = BenchSupport.LoadAverage();
        table.Print(loadStart, loadEnd);
        var csv = Path.Combine(root, "artifacts", "bench", $"compare-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}.csv");
        table.WriteCsv(csv, loadStart, loadEnd);
        Console.WriteLine($"took {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s; rows in {csv}");
        baselinePath ??= Path.Combine(root, "artifacts", "bench", "baseline.csv");
        var result = 0;
        if (check) result = CheckBaseline(table, baselinePath); // against the old baseline, before --save-baseline replaces it
        if (saveBaseline)
        {
            table.WriteCsv(baselinePath, loadStart, loadEnd);
            Console.WriteLine($"baseline saved to {baselinePath}");
        }
        return result;
    }

    /// <summary>One DistSync pass on a fresh 3-node cluster: warm-up, put, get, locks, queue (with RabbitMQ present), failover;
    /// <paramref name="system"/> <see cref="CompareTable.Secure"/> runs it with security fully on.</summary>
    private static async Task DistSyncAsync(string nodeDll, string root, string system, int[] clientCounts, TimeSpan window, TimeSpan warm, TimeSpan systemWarm,
        int trials, string? rabbit, CompareTable table)
    {
        var secure = system == CompareTable.Secure;
        var work = Path.Combine(Path.GetTempPath(), "dsync-compare-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            using var access = secure ? NodeAccess.CreateSecure(Path.Combine(work, "secrets"), 3) : NodeAccess.Plain;
            // the shipped log level (info), so a failover that goes wrong leaves the Raft group's account of it
            using var cluster = new NodeCluster(nodeDll, root, work, ["dsync.log.level=info"], access: access);
            using var target = new DistSyncKvTarget(cluster);
            cluster.StartAll();
            var leader = await cluster.WaitForLeaderAsync([0, 1, 2], TimeSpan.FromSeconds(60));
            Console.WriteLine($"{system}: 3 node processes (shipped hocon/dsync.conf, sqlite journal synchronous=FULL" +
                              (secure ? "; HTTPS, mTLS remoting, admin bearer token, shipped rate limits and audit log" : "") + $"), leader n{leader + 1}");
            await WarmUpAsync(target, systemWarm, async d => await LockCycles.DistSyncCycleAsync(cluster.Clients, await LockCycles.SessionsAsync(cluster.Clients, 16), 16, d, "sys-warm"));
            await KvAsync(target, "etcd", clientCounts, window, warm, table, system);
            await DistSyncLocksAsync(cluster.Clients, clientCounts, window, warm, table, system);
            if (rabbit is not null)
            {
                // its own guard: a queue failure should not cost the failover rows
                try
                {
                    foreach (var r in await new QueuesBench().EndToEndRowsAsync(cluster, clientCounts, warm, window)) AddQueue(table, "RabbitMQ", system, r);
                }
                catch (Exception e) when (e is TimeoutException or HttpRequestException or System.Text.Json.JsonException or TaskCanceledException)
                {
                    Console.Error.WriteLine($"compare: {system} queue failed: {e.Message}");
                }
            }
            Console.WriteLine($"{system} failover: kill -9 the leader, first successful write through a survivor ({trials} trials)");
            try
            {
                var (median, max) = await KvBench.FailoverAsync(cluster, trials);
                table.AddFailover("etcd", system, 1, median, max);
            }
            catch (TimeoutException e)
            {
                Console.Error.WriteLine($"compare: {system} failover failed: {e.Message}; the nodes' state and last log lines:");
                await cluster.DiagnoseAsync();
            }
        }
        catch (Exception e) when (e is TimeoutException or NodeUnreachableException or DistSyncApiException or HttpRequestException or InvalidDataException)
        {
            Console.Error.WriteLine($"compare: {system} failed: {e.Message}");
        }
        finally
        {
            BenchSupport.TryDelete(work);
        }
    }

    /// <summary>--check: 1 when a ratio dropped more than 15% against the baseline, 2 when the baseline cannot be read, else 0.</summary>
    private static int CheckBaseline(CompareTable table, string baselinePath)
    {
        if (!File.Exists(baselinePath))
        {
            Console.Error.WriteLine($"compare --check: no baseline at {baselinePath} (write one with --save-baseline)");
            return 2;
        }
        try
        {
            return table.Check(CompareTable.ReadCsv(baselinePath), baselinePath, MaxRatioDrop) > 0 ? 1 : 0;
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            Console.Error.WriteLine($"compare --check: the baseline cannot be read: {e.Message}");
            return 2;
        }
    }

    /// <summary>etcd on this machine, or after <c>apt-get update</c> and <c>apt-get install -y etcd-server</c> when running as root; null (and how to get it) otherwise.</summary>
    internal static string? FindOrInstallEtcd()
    {
        if (EtcdCluster.Find() is { } found) return found;
        if (!Environment.IsPrivilegedProcess)
        {
            Console.WriteLine("etcd: not installed; run `sudo apt-get install -y etcd-server` for the comparison; measuring DistSync alone");
            return null;
        }
        Console.WriteLine("etcd: not installed; running apt-get update, then apt-get install -y etcd-server");
        try
        {
            // without a fresh package list a new machine does not know etcd-server
            using (var update = Process.Start(new ProcessStartInfo("apt-get", ["update", "-qq"]) { RedirectStandardOutput = true }))
            {
                update?.StandardOutput.ReadToEnd();
                update?.WaitForExit();
            }
            using var apt = Process.Start(new ProcessStartInfo("apt-get", ["install", "-y", "etcd-server"]) { RedirectStandardOutput = true });
            apt?.StandardOutput.ReadToEnd(); // apt's progress is noise here; its errors go to stderr
            apt?.WaitForExit();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Console.WriteLine($"etcd: apt-get could not run ({e.Message})");
        }
        var etcd = EtcdCluster.Find();
        if (etcd is null) Console.WriteLine("etcd: the install did not provide etcd; measuring DistSync alone");
        return etcd;
    }

    private static async Task EtcdAsync(string etcd, int[] clientCounts, TimeSpan window, TimeSpan warm, TimeSpan systemWarm, int trials, CompareTable table)
    {
        var dir = Path.Combine(Path.GetTempPath(), "dsync-compare-etcd-" + Guid.NewGuid().ToString("N")[..8]);
        using var cluster = new EtcdCluster(etcd, dir, "dsync-compare");
        using var target = new EtcdKvTarget(cluster);
        try
        {
            await cluster.StartAsync();
            Console.WriteLine($"etcd {cluster.Version}: 3 members on loopback; {EtcdCluster.Settings}");
            var http = cluster.Clients;
            await WarmUpAsync(target, systemWarm, async d => await LockCycles.EtcdCycleAsync(http, await LockCycles.LeasesAsync(http, 16), 16, d, "sys-warm"));
            await KvAsync(target, "etcd", clientCounts, window, warm, table, null);
            await LockCycles.EtcdCycleAsync(http, await LockCycles.LeasesAsync(http, 16), 16, warm, "warm");
            var run = 0;
            foreach (var c in clientCounts)
                Add(table, "lock cycle", "etcd", null, await LockCycles.EtcdCycleAsync(http, await LockCycles.LeasesAsync(http, c), c, window, $"u{run++}"));
            var contenders = clientCounts[^1];
            Add(table, "lock contended/4", "etcd", null,
                await LockCycles.EtcdContendedAsync(http, await LockCycles.LeasesAsync(http, contenders), contenders, ContendedResources, window, "c"));
            Console.WriteLine($"etcd failover: kill -9 the leader, first successful put through a survivor ({trials} trials)");
            var (median, max) = await EtcdFailoverAsync(cluster, target, trials);
            table.AddFailover("etcd", null, 1, median, max);
        }
        catch (Exception e) when (e is TimeoutException or HttpRequestException or InvalidDataException or System.Text.Json.JsonException)
        {
            Console.Error.WriteLine($"compare: etcd failed: {e.Message}");
            cluster.DumpLogs(10, withPath: false);
        }
    }

    /// <summary>As <see cref="KvBench.FailoverAsync"/> for etcd: kill -9 the member all agree leads, time to a put through a survivor, restart it.</summary>
    private static async Task<(double Median, double Max)> EtcdFailoverAsync(EtcdCluster cluster, EtcdKvTarget target, int trials)
    {
        var times = new List<double>(trials);
        for (var t = 1; t <= trials; t++)
        {
            var leader = -1;
            var waited = Stopwatch.GetTimestamp();
            // all three answer and agree only once a restarted member has rejoined
            while ((leader = await cluster.LeaderAsync()) < 0)
            {
                if (Stopwatch.GetElapsedTime(waited) > TimeSpan.FromSeconds(60)) throw new TimeoutException("etcd: no agreed leader within 60 s");
                await Task.Delay(50);
            }
            cluster.Kill(leader);
            var survivors = new int[2];
            for (int i = 0, n = 0; i < 3; i++) if (i != leader) survivors[n++] = i;
            var value = $"trial-{t}";
            var (ms, attempts) = await FailoverProbe.FirstWriteAsync(survivors,
                (s, ct) => target.PutAsync(s, "failover", value, new ResponseBuffer(), ct), $"etcd trial {t}");
            times.Add(ms);
            Console.WriteLine($"  trial {t,2}: killed e{leader + 1}, first put after {ms,7:N0} ms ({attempts} attempts started)");
            cluster.Restart(leader);
        }
        return FailoverProbe.Summarize(times);
    }

    private static async Task DistSyncLocksAsync(DistSyncClient[] nodes, int[] clientCounts, TimeSpan window, TimeSpan warm, CompareTable table, string system)
    {
        await LockCycles.DistSyncCycleAsync(nodes, await LockCycles.SessionsAsync(nodes, 16), 16, warm, "warm");
        var run = 0;
        foreach (var c in clientCounts)
            Add(table, "lock cycle", "etcd", system, await LockCycles.DistSyncCycleAsync(nodes, await LockCycles.SessionsAsync(nodes, c), c, window, $"u{run++}"));
        var contenders = clientCounts[^1];
        Add(table, "lock contended/4", "etcd", system,
            await LockCycles.DistSyncContendedAsync(nodes, await LockCycles.SessionsAsync(nodes, contenders), contenders, ContendedResources, window, "c"));
    }

    /// <summary>The one warm-up per system before its first measured row at 16 clients: put half of it (the longest path:
    /// forward, journal, replication, apply), lock cycle a third, get a sixth.</summary>
    private static async Task WarmUpAsync(IKvLoadTarget target, TimeSpan total, Func<TimeSpan, Task> lockCycles)
    {
        Console.WriteLine($"{target.Name}: warming up for {total.TotalSeconds:0} s (put, get, lock cycle at 16 clients)");
        await PutRunAsync(target, 16, total / 2);
        await GetRunAsync(target, 16, total / 6, seed: true);
        await lockCycles(total / 3);
    }

    /// <summary>put and linearizable get through <see cref="IKvLoadTarget"/>, so both systems see the same requests' shapes;
    /// <paramref name="system"/>: DistSync's variant, null for the reference.</summary>
    private static async Task KvAsync(IKvLoadTarget target, string reference, int[] clientCounts, TimeSpan window, TimeSpan warm, CompareTable table, string? system)
    {
        await PutRunAsync(target, 16, warm); // JIT, connections, journal / WAL
        foreach (var c in clientCounts) Add(table, "put", reference, system, await PutRunAsync(target, c, window));
        await GetRunAsync(target, 16, warm, seed: true);
        foreach (var c in clientCounts) Add(table, "get (lin.)", reference, system, await GetRunAsync(target, c, window));
    }

    private static void AddQueue(CompareTable table, string reference, string? system, BenchSupport.EndToEndResult r)
    {
        Console.WriteLine($"  {system ?? reference} queue end to end at {r.Clients} clients: {r.AckedPerSecond:N0} acked/s, p99 {r.P99:0.00} ms, {r.Errors} errors");
        table.AddQueue(reference, system, r);
    }

    private static void Add(CompareTable table, string workload, string reference, string? system, ClosedLoopResult r)
    {
        Console.WriteLine($"  {system ?? reference} {workload} at {r.Clients} clients: {r.PerSecond:N0}/s, p99 {r.P99:0.00} ms, {r.Errors} errors");
        table.Add(workload, r.Clients, reference, system, r);
    }

    private static Task<ClosedLoopResult> PutRunAsync(IKvLoadTarget target, int clients, TimeSpan duration)
    {
        var value = new string('v', 100);
        var buffers = new ResponseBuffer[clients];
        var randoms = new Random[clients];
        for (var w = 0; w < clients; w++) (buffers[w], randoms[w]) = (new ResponseBuffer(), new Random(w));
        return BenchSupport.DriveClosedLoopAsync(clients, duration, async w =>
        {
            var key = "bench-" + randoms[w].Next(KeySpace).ToString(CultureInfo.InvariantCulture);
            await target.PutAsync(w % target.Nodes, key, value, buffers[w], CancellationToken.None).ConfigureAwait(false);
            return null;
        }, IsError);
    }

    /// <summary>A linearizable read of one key: a range over the key as prefix, limit 1 (both systems' JSON APIs read it so).</summary>
    private static async Task<ClosedLoopResult> GetRunAsync(IKvLoadTarget target, int clients, TimeSpan duration, bool seed = false)
    {
        if (seed) await target.PutAsync(0, GetKey, "value", new ResponseBuffer(), CancellationToken.None); // the key every get reads
        var buffers = new ResponseBuffer[clients];
        for (var w = 0; w < clients; w++) buffers[w] = new ResponseBuffer();
        return await BenchSupport.DriveClosedLoopAsync(clients, duration, async w =>
        {
            if (await target.RangeAsync(w % target.Nodes, GetKey, 1, buffers[w], CancellationToken.None).ConfigureAwait(false) != 1)
                throw new InvalidDataException($"get {GetKey}: not found");
            return null;
        }, IsError);
    }

    private static bool IsError(Exception e) => e is HttpRequestException or InvalidDataException or TaskCanceledException;
}
