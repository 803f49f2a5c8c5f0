using System.Diagnostics;
using System.Globalization;
using DistSync.Client;

namespace DistSync.Bench;

/// <summary>
/// <c>./build.sh bench soak [--minutes N] [--clients 64] [--no-etcd] [--node-dll PATH]</c> (issue 17, items 4 and 5)
/// <para>Sustained load, the same against DistSync (3 node processes, as bench compare starts them) and then against
/// etcd (3 members), never both at once: N closed-loop put clients, each put a new key with a 100-byte value, and beside
/// them N/4 lock-cycle clients (DistSync try-lock + release, etcd lease + txn create-if-absent + delete, as
/// <see cref="LockCycles"/> drives them), all round-robin over the members. LockCycles runs its cycles inside its own
/// closed loop, so the put and lock clients are two groups rather than one half/half split. Reported side by side and in
/// <c>artifacts/bench/soak-&lt;UTC&gt;.csv</c>: throughput per minute (per tenth of the run when it is under 3 minutes)
/// and last ÷ first, failed requests, leader changes (each member's <c>/metrics</c> counter, before and after), put
/// p99 and max latency, RSS per member and bytes per key, data directory size per member; then whether the issue's
/// targets hold.</para>
/// </summary>
public sealed class SoakBench : IBenchmark
{
    private const string DistSyncLeaderSeries = "dsync_raft_leader_changes_total{group=\"0\"}";
    private const string EtcdLeaderSeries = "etcd_server_leader_changes_seen_total";

    public string Name => "soak";

    public string Description => "sustained load (new key per put + lock cycles), DistSync then etcd: throughput per minute, failures, leader changes, p99/max, RSS, bytes/key";

    /// <summary>How to read the members around the load; the same steps for both systems.</summary>
    private sealed record Probes(
        string MemberPrefix,
        Func<Task<double?[]>> LeaderCounters,
        Func<Task<double?[]>> Terms,
        Func<int, int> ProcessId,
        Func<int, string> DataDir);

    public async Task<int> RunAsync(string[] args)
    {
        var options = new BenchSupport.NodeBenchOptions();
        var minutes = 10.0;
        var clientsGiven = false;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            if (args[i] == "--minutes" && value is not null)
            {
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out minutes))
                {
                    Console.Error.WriteLine($"soak: --minutes '{value}' is not a number (e.g. 10 or 0.5)");
                    return 2;
                }
                i++;
                continue;
            }
            if (args[i] == "--clients") clientsGiven = true;
            // --seconds is the other benches' window; here the length is --minutes
            if (args[i] != "--seconds" && options.TryApply(args, ref i)) continue;
            Console.Error.WriteLine($"soak: unknown or incomplete argument '{args[i]}' (--minutes N, --clients N, --no-etcd, --node-dll PATH)");
            return 2;
        }
        var clients = clientsGiven ? options.ClientCounts : [64];
        if (minutes <= 0 || clients.Length != 1 || clients[0] < 1)
        {
            Console.Error.WriteLine("soak: --minutes must be positive and --clients one count of at least 1");
            return 2;
        }
        var putClients = clients[0];
        var lockClients = Math.Max(1, putClients / 4);
        var total = TimeSpan.FromMinutes(minutes);
        // per-minute buckets; a run under 3 minutes (a smoke test) is cut into tenths instead
        var buckets = minutes < 3 ? 10 : (int)Math.Round(minutes);
        var bucketSeconds = total.TotalSeconds / buckets;
        var bucketName = minutes < 3 ? "tenth" : "minute";
        var warm = TimeSpan.FromSeconds(Math.Min(5, total.TotalSeconds / 10));

        var started = Stopwatch.GetTimestamp();
        var loadStart = BenchSupport.LoadAverage();
        var (root, nodeDll, exitCode) = await BenchSupport.RootAndNodeAsync("soak", options.NodeDll, alsoFromBinary: true, "dsync-soak-build");
        if (exitCode != 0) return exitCode;
        var etcd = options.EtcdWanted ? CompareBench.FindOrInstallEtcd() : null;
        Console.WriteLine($"soak: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {minutes.ToString("0.##", CultureInfo.InvariantCulture)} min per system " +
                          $"after a {warm.TotalSeconds:0.#} s warm-up, load average {loadStart}");
        Console.WriteLine($"load: {putClients} put clients (a new key soak/<client>/<seq> per put, 100-byte value) + {lockClients} lock-cycle clients at the same time " +
                          "(put-only at N plus lock cycles at N/4: LockCycles drives its own closed loop), round-robin over 3 members");
        Console.WriteLine(minutes < 3
            ? $"buckets: the run is under 3 minutes, so throughput is per tenth of it ({bucketSeconds:0.#} s each), not per minute"
            : $"buckets: {buckets} of {bucketSeconds:0.#} s");

        var ours = await DistSyncAsync(root, nodeDll, putClients, lockClients, total, buckets, warm);
        var theirs = etcd is not null ? await EtcdAsync(etcd, putClients, lockClients, total, buckets, warm) : null;

        var loadEnd = BenchSupport.LoadAverage();
        SoakReport.Print(ours, theirs, buckets, bucketName);
        Console.WriteLine($"load average at start {loadStart}, at end {loadEnd} ({Environment.ProcessorCount} cores)");
        var csv = Path.Combine(root, "artifacts", "bench", $"soak-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}.csv");
        SoakReport.WriteCsv(csv, ours, theirs, buckets, bucketName,
        [
            ("minutes", minutes.ToString("0.###", CultureInfo.InvariantCulture)),
            ("put_clients", putClients.ToString(CultureInfo.InvariantCulture)),
            ("lock_clients", lockClients.ToString(CultureInfo.InvariantCulture)),
            ("bucket_seconds", bucketSeconds.ToString("0.###", CultureInfo.InvariantCulture)),
            ("load_start", loadStart),
            ("load_end", loadEnd),
        ]);
        SoakReport.PrintTargets(ours, theirs);
        Console.WriteLine($"took {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s; rows in {csv}");
        // the targets are a report, not the exit code; a system that could not be measured is
        return ours is null || (etcd is not null && theirs is null) ? 1 : 0;
    }

    private static async Task<SoakReport.SystemResult?> DistSyncAsync(string root, string nodeDll, int putClients, int lockClients, TimeSpan total, int buckets, TimeSpan warm)
    {
        var work = Path.Combine(Path.GetTempPath(), "dsync-soak-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            using var cluster = new NodeCluster(nodeDll, root, work, []);
            using var target = new DistSyncKvTarget(cluster);
            var metrics = new HttpClient[cluster.HttpPorts.Count];
            for (var i = 0; i < metrics.Length; i++) metrics[i] = cluster.Http(i, TimeSpan.FromSeconds(10));
            try
            {
                cluster.StartAll();
                var leader = await cluster.WaitForLeaderAsync([0, 1, 2], TimeSpan.FromSeconds(60));
                Console.WriteLine();
                Console.WriteLine($"DistSync: 3 node processes (shipped hocon/dsync.conf, sqlite journal synchronous=FULL), leader n{leader + 1}");
                var nodes = cluster.Clients;
                SoakLoad.LockBucket locks = async (prefix, duration) =>
                    await LockCycles.DistSyncCycleAsync(nodes, await LockCycles.SessionsAsync(nodes, lockClients), lockClients, duration, prefix);
                var probes = new Probes("n",
                    () => SoakProbes.CountersAsync(metrics, DistSyncLeaderSeries, "n"),
                    () => TermsAsync(nodes),
                    cluster.ProcessId,
                    i => Path.Combine(work, $"n{i + 1}")); // BenchSupport.StartNode's layout
                return await MeasureAsync("DistSync", target, locks, probes, putClients, lockClients, total, buckets, warm);
            }
            finally
            {
                foreach (var m in metrics) m.Dispose();
            }
        }
        catch (Exception e) when (e is TimeoutException or NodeUnreachableException or DistSyncApiException or HttpRequestException or InvalidDataException)
        {
            Console.Error.WriteLine($"soak: DistSync failed: {e.Message}");
            return null;
        }
        finally
        {
            BenchSupport.TryDelete(work);
        }
    }

    private static async Task<SoakReport.SystemResult?> EtcdAsync(string etcd, int putClients, int lockClients, TimeSpan total, int buckets, TimeSpan warm)
    {
        var dir = Path.Combine(Path.GetTempPath(), "dsync-soak-etcd-" + Guid.NewGuid().ToString("N")[..8]);
        using var cluster = new EtcdCluster(etcd, dir, "dsync-soak");
        using var target = new EtcdKvTarget(cluster);
        try
        {
            await cluster.StartAsync();
            Console.WriteLine();
            Console.WriteLine($"etcd {cluster.Version}: 3 members on loopback; {EtcdCluster.Settings}");
            var http = cluster.Clients;
            SoakLoad.LockBucket locks = async (prefix, duration) =>
                await LockCycles.EtcdCycleAsync(http, await LockCycles.LeasesAsync(http, lockClients), lockClients, duration, prefix);
            var probes = new Probes("e",
                () => SoakProbes.CountersAsync(http, EtcdLeaderSeries, "e"),
                async () => Array.ConvertAll(await SoakProbes.EtcdTermsAsync(http), t => (double?)t),
                cluster.ProcessId,
                cluster.DataDir);
            return await MeasureAsync("etcd", target, locks, probes, putClients, lockClients, total, buckets, warm);
        }
        catch (Exception e) when (e is TimeoutException or HttpRequestException or InvalidDataException or System.Text.Json.JsonException)
        {
            Console.Error.WriteLine($"soak: etcd failed: {e.Message}");
            cluster.DumpLogs(10, withPath: false);
            return null;
        }
    }

    /// <summary>Warm-up, probes before, the soak, probes after (while the members still run and their data is still there).</summary>
    private static async Task<SoakReport.SystemResult> MeasureAsync(string name, IKvLoadTarget target, SoakLoad.LockBucket locks, Probes probes,
        int putClients, int lockClients, TimeSpan total, int buckets, TimeSpan warm)
    {
        // JIT, connections, journal / WAL files; its keys stay in the store and count as written
        var warmUp = await SoakLoad.RunAsync(target, putClients, lockClients, warm, 1, locks, "soak-warm");
        Console.WriteLine($"{name} warm-up: {warmUp.PutOps} puts, {warmUp.PutErrors + warmUp.LockErrors} failed requests");
        var leadersBefore = await probes.LeaderCounters();
        var termsBefore = await probes.Terms();
        var rssStart = Rss(probes);
        Console.WriteLine($"{name}: soak running for {total.TotalMinutes.ToString("0.##", CultureInfo.InvariantCulture)} min ...");
        var load = await SoakLoad.RunAsync(target, putClients, lockClients, total, buckets, locks, "soak");
        var leadersAfter = await probes.LeaderCounters();
        var termsAfter = await probes.Terms();
        var leaders = SoakProbes.MaxDelta(leadersBefore, leadersAfter);
        var terms = SoakProbes.MaxDelta(termsBefore, termsAfter);
        Console.WriteLine($"{name} leader-change counter per member (before -> after): {Transitions(probes.MemberPrefix, leadersBefore, leadersAfter)}; " +
                          $"term: {Transitions(probes.MemberPrefix, termsBefore, termsAfter)}");
        if (leaders > 0 && terms == 0)
            Console.WriteLine($"{name}: the counter moved but no term did: a member lost and re-found the same leader (e.g. its election timer fired under load), no new leader was elected");
        var rssEnd = Rss(probes);
        var data = new long?[3];
        for (var i = 0; i < 3; i++) data[i] = SoakProbes.DirectoryBytes(probes.DataDir(i));

        Console.WriteLine($"{name}: {load.PutOps} puts ({load.PutErrors} failed), {load.LockOps} lock cycles ({load.LockErrors} failed), " +
                          $"leader changes {leaders?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}");
        if (load.PutErrors > 0) load.PutFailures.Print();
        if (load.LockSetupFailures.First() != "no error")
        {
            Console.WriteLine($"{"",8} lock session / lease setup failures:");
            load.LockSetupFailures.Print();
        }
        return new SoakReport.SystemResult(name, probes.MemberPrefix, load, warmUp.PutOps, leaders, terms, rssStart, rssEnd, data);
    }

    private static string Transitions(string prefix, double?[] before, double?[] after)
    {
        var parts = new string[before.Length];
        for (var i = 0; i < before.Length; i++)
            parts[i] = $"{prefix}{i + 1} {Show(before[i])}->{Show(after[i])}";
        return string.Join(", ", parts);

        static string Show(double? v) => v is { } x ? x.ToString("0", CultureInfo.InvariantCulture) : "?";
    }

    private static long?[] Rss(Probes probes)
    {
        var rss = new long?[3];
        for (var i = 0; i < 3; i++)
        {
            var member = $"{probes.MemberPrefix}{i + 1}";
            try
            {
                rss[i] = SoakProbes.RssBytes(probes.ProcessId(i), member);
            }
            catch (InvalidOperationException e)
            {
                Console.WriteLine($"  {member}: no process ({e.Message})");
            }
        }
        return rss;
    }

    /// <summary>Each node's meta-group term from <c>GET /status</c>; null where it did not answer.</summary>
    private static async Task<double?[]> TermsAsync(DistSyncClient[] nodes)
    {
        var terms = new double?[nodes.Length];
        for (var i = 0; i < nodes.Length; i++)
        {
            try
            {
                terms[i] = (await nodes[i].GetStatusAsync()).Term;
            }
            catch (Exception e) when (e is NodeUnreachableException or DistSyncApiException)
            {
                Console.WriteLine($"  n{i + 1} /status failed: {e.Message}");
            }
        }
        return terms;
    }
}
