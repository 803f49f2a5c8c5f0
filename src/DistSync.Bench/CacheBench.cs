using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DistSync.Client;
using DistSync.Client.Contracts;
using DistSync.Node.Hosting;
using StackExchange.Redis;

namespace DistSync.Bench;

/// <summary>
/// <c>./build.sh bench cache [--seconds S] [--clients 1,16,64] [--quick] [--no-redis] [--node-dll PATH] [--set key=value]...</c>
/// <para>Starts three DistSync node processes (the shipped hocon/dsync.conf) on free loopback ports, founding one meta
/// group, and one <c>redis-server</c> (<c>--save "" --appendonly no</c>, a free loopback port) as the cache a user would
/// otherwise pick. DistSync is driven through DistSync.Client over one shared SocketsHttpHandler per node; Redis through
/// one StackExchange.Redis multiplexer. Values are 100 bytes. Closed loop: each client waits for its answer.</para>
/// <para>(a) read hit on n1 (each key read once on n1 first, so its line is there) beside Redis GET and DistSync's own
/// linearizable <c>GET /kv</c> on n1. (b) read miss on n1, a fresh key every read: its value only in the KV (written by
/// <c>PUT /kv</c> through n2 and n3), or a line in M on n2 (written through <c>POST /cache/write</c> on n2), which the
/// home has written back and downgraded; the keys are written before the run, so a run ends early when they run out.
/// (c) write on n1 with 0, 1 and 2 sharers: before each write (untimed) the key is read on n2, or on n2 and n3, which
/// also checks that the read sees the previous write; beside Redis SET. (d) 90 % reads and 10 % writes over 10,000
/// keys drawn from a Zipf distribution (s = 1.0, fixed seeds), clients spread over the three nodes, beside the same mix
/// on Redis; the cluster hit rate is the change of the summed <c>GET /cache/stats</c> hits and misses over the run. (e) last, read hit
/// on a node embedded in the bench process (<see cref="EmbeddedCacheNode"/>: joined to the cluster as n4, else alone):
/// <c>Cache.ReadAsync</c> and <c>Cache.TryHit</c> from 1/16/64 tasks, timed in 1,000-call batches, beside Redis GET.</para>
/// <para>The node executable: <c>--node-dll</c>, else <c>$DSYNC_NODE_DLL</c>, else built with <c>dotnet build
/// src/DistSync.Node -c Release --artifacts-path $TMP/dsync-cachebench-build</c>.</para>
/// Targets (issue 13): hits at least 10x Redis GET; writes with one sharer under 2 ms p99; the Zipf mix's hit rate reported.
/// </summary>
public sealed class CacheBench : IBenchmark
{
    private const int ValueBytes = 100;
    private const int HitKeys = 64;
    private const int ZipfKeys = 10_000;
    private const double ZipfExponent = 1.0;
    private const int Seed = 13;
    private const double ReadShare = 0.9;

    /// <summary>Calls per timed batch in the embedded hit phase (a hit takes well under a microsecond).</summary>
    private const int EmbeddedBatch = 1_000;
    private const string EmbeddedReadPhase = "read hit, embedded ReadAsync";
    private const string EmbeddedTryHitPhase = "read hit, embedded TryHit";

    private static readonly int[] MissClientCounts = [1, 16];

    private int _maxPool = 20_000;
    private TimeSpan _poolBudget = TimeSpan.FromSeconds(20);
    private string? _firstError;

    public string Name => "cache";

    public string Description => "3 node processes: MESI cache read hit/miss, write with 0/1/2 sharers, 90/10 Zipf mix and hit rate; Redis GET/SET and GET /kv beside it";

    public async Task<int> RunAsync(string[] args)
    {
        var options = new BenchSupport.NodeBenchOptions();
        var sets = new List<string>();
        var redisWanted = true;
        for (var i = 0; i < args.Length; i++)
        {
            if (options.TryApply(args, ref i)) continue;
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--set" when value is not null: sets.Add(value); i++; break;
                case "--quick": options.Seconds = 3; _maxPool = 5_000; _poolBudget = TimeSpan.FromSeconds(8); break;
                case "--no-redis": redisWanted = false; break;
                default:
                    Console.Error.WriteLine($"cache: unknown or incomplete argument '{args[i]}'");
                    return 2;
            }
        }
        var (seconds, clientCounts) = (options.Seconds, options.ClientCounts);
        if (seconds <= 0 || clientCounts.Length == 0 || clientCounts.Any(c => c < 1))
        {
            Console.Error.WriteLine("cache: --seconds must be positive and every client count at least 1");
            return 2;
        }
        var (root, nodeDll, exitCode) = await BenchSupport.RootAndNodeAsync("cache", options.NodeDll, alsoFromBinary: true, "dsync-cachebench-build");
        if (exitCode != 0) return exitCode;
        if (!File.Exists(nodeDll))
        {
            Console.Error.WriteLine($"cache: the node executable {nodeDll} does not exist");
            return 2;
        }

        var work = Path.Combine(Path.GetTempPath(), "dsync-cachebench-" + Guid.NewGuid().ToString("N")[..8]);
        Console.WriteLine($"cache benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {seconds:0.#} s per run, " +
                          $"{ValueBytes}-byte values, data in {work}; load average {LoadAverage()}");
        var summary = new List<SummaryRow>();
        string? embeddedMode = null;
        using (var cluster = new NodeCluster(nodeDll, root, Path.Combine(work, "nodes"), sets))
        using (var redisProcesses = new BenchProcesses(Path.Combine(work, "redis")))
        {
            CacheNodes? nodes = null;
            ConnectionMultiplexer? redis = null;
            try
            {
                cluster.StartAll();
                var leader = await cluster.WaitForLeaderAsync([0, 1, 2], TimeSpan.FromSeconds(60));
                nodes = new CacheNodes(cluster);
                redis = redisWanted ? await StartRedisAsync(redisProcesses, Path.Combine(work, "redis")) : null;
                var first = await nodes[0].CacheStatsAsync();
                Console.WriteLine($"meta group leader n{leader + 1}; n1's cache: capacity {first.Capacity:N0} lines, max {first.MaxBytes:N0} bytes, " +
                                  $"write policy {first.WritePolicy}; Redis: {(redis is null ? "not run" : "redis-server " + redis.GetServers()[0].Version)}");

                var bench = new Phases(this, nodes, redis?.GetDatabase(), TimeSpan.FromSeconds(seconds));
                await bench.WarmUpAsync(TimeSpan.FromSeconds(Math.Min(3, seconds)));
                await bench.ReadHitAsync(clientCounts, summary);
                await bench.ReadMissAsync(MissClientCounts.Where(c => c <= clientCounts.Max()).DefaultIfEmpty(clientCounts.Min()).ToArray(), summary);
                await bench.WriteAsync(clientCounts, summary);
                await bench.ZipfMixAsync(clientCounts, summary);
                embeddedMode = await bench.EmbeddedHitAsync(root, Path.Combine(work, "embedded"), sets, clientCounts, summary);
            }
            catch (Exception e) when (e is TimeoutException or NodeUnreachableException or DistSyncApiException or HttpRequestException
                                          or JsonException or RedisException or InvalidDataException)
            {
                Console.Error.WriteLine($"cache: {e.Message}");
                cluster.DumpLogs();
                redisProcesses.DumpLogs(10);
                return 1;
            }
            finally
            {
                nodes?.Dispose();
                redis?.Dispose();
            }
        }
        PrintSummary(summary, embeddedMode);
        BenchSupport.TryDelete(work);
        return 0;
    }

    /// <summary>One redis-server without persistence on a free loopback port, and a multiplexer once it answers PING.</summary>
    private static async Task<ConnectionMultiplexer?> StartRedisAsync(BenchProcesses processes, string dir)
    {
        var binary = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists) ?? BenchSupport.FindOnPath("redis-server");
        if (binary is null)
        {
            Console.WriteLine("Redis comparison: not run (no redis-server; apt-get install -y redis-server)");
            return null;
        }
        var port = BenchSupport.FreePorts(1)[0].ToString(CultureInfo.InvariantCulture);
        processes.Start("redis", binary, ["--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], dir);
        var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},abortConnect=false,connectTimeout=2000,syncTimeout=10000,asyncTimeout=10000");
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                await redis.GetDatabase().PingAsync();
                return redis;
            }
            catch (Exception e) when (e is RedisException or TimeoutException && Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(30) && !processes.AnyExited)
            {
                await Task.Delay(100); // still starting; there is no event to await
            }
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    /// <summary>A value of <see cref="ValueBytes"/> characters that starts with <paramref name="tag"/>, so a read can be checked.</summary>
    private static string ValueOf(string tag) => tag.Length >= ValueBytes ? tag : tag + "|" + new string('v', ValueBytes - tag.Length - 1);

    private static bool IsError(Exception e) =>
        e is DistSyncApiException or NodeUnreachableException or HttpRequestException or TaskCanceledException or JsonException
            or InvalidDataException or RedisException or TimeoutException;

    /// <summary>Whether <paramref name="e"/> counts as a failed operation; the first such of a run is kept to print.</summary>
    private bool Noted(Exception e)
    {
        if (!IsError(e)) return false;
        Interlocked.CompareExchange(ref _firstError, $"{e.GetType().Name}: {e.Message}", null);
        return true;
    }

    private void PrintFirstError()
    {
        if (Interlocked.Exchange(ref _firstError, null) is { } error) Console.WriteLine($"{"",8} first error: {error}");
    }

    /// <summary>
    /// Runs <paramref name="clients"/> closed-loop workers for <paramref name="duration"/>. Each asks
    /// <paramref name="next"/> (untimed: setup such as re-reading a key on other nodes) for its next operation, null
    /// when there is none left (the worker stops), then times that operation. The rate is over the time until the last
    /// worker stopped, setup included.
    /// </summary>
    private async Task<Sample> DriveAsync(int clients, TimeSpan duration, Func<int, Task<Func<Task>?>> next)
    {
        var latencies = new List<double>[clients];
        var errors = new long[clients];
        using var stop = new CancellationTokenSource(duration);
        var started = Stopwatch.GetTimestamp();
        var workers = new Task[clients];
        for (var w = 0; w < clients; w++)
        {
            var worker = w;
            var mine = latencies[worker] = new List<double>(16 * 1024);
            workers[worker] = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    Func<Task>? operation;
                    try
                    {
                        operation = await next(worker).ConfigureAwait(false);
                    }
                    catch (Exception e) when (Noted(e))
                    {
                        errors[worker]++;
                        continue;
                    }
                    if (operation is null) return;
                    var t0 = Stopwatch.GetTimestamp();
                    try
                    {
                        await operation().ConfigureAwait(false);
                        mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    }
                    catch (Exception e) when (Noted(e))
                    {
                        errors[worker]++;
                    }
                }
            });
        }
        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new Sample(clients, all.Length, errors.Sum(), elapsed, BenchSupport.Percentile(all, 0.50), BenchSupport.Percentile(all, 0.99));
    }

    /// <summary>One closed-loop run: operations that succeeded, failures, wall time and latency percentiles in ms.</summary>
    private sealed record Sample(int Clients, long Ops, long Errors, double Seconds, double P50, double P99)
    {
        public double PerSecond => Seconds > 0 ? Ops / Seconds : 0;
    }

    /// <summary>A line of the final table: DistSync's figure and, where there is one, Redis's for the same work.</summary>
    /// <param name="RateMeaningful">false where untimed setup fills the loop (sharers re-read), so only latencies compare</param>
    /// <param name="HitRate">the cluster hit rate over the run, for the Zipf mix</param>
    /// <param name="Embedded">an in-process row: per-call latencies derived from batch times, printed to 10 ns</param>
    private sealed record SummaryRow(string Phase, Sample Ours, Sample? Redis, bool RateMeaningful = true, double? HitRate = null, bool Embedded = false);

    private static void PrintHeader() =>
        Console.WriteLine($"{"clients",8} {"ops/s",10} {"p50 ms",8} {"p99 ms",8} {"errors",7}  {"notes"}");

    private void PrintRow(Sample s, string notes = "")
    {
        Console.WriteLine($"{s.Clients,8} {N0(s.PerSecond),10} {s.P50,8:0.000} {s.P99,8:0.000} {s.Errors,7}  {notes}");
        PrintFirstError();
    }

    private static string Clients(int n) => n == 1 ? "1 client" : $"{n} clients";

    private static string N0(double v) => double.IsFinite(v) ? v.ToString("N0", CultureInfo.InvariantCulture) : "-";

    private static void PrintSummary(List<SummaryRow> rows, string? embeddedMode)
    {
        Console.WriteLine();
        Console.WriteLine("summary (DistSync through HTTP + DistSync.Client; Redis through StackExchange.Redis; closed loop, latency in ms)");
        Console.WriteLine($"{"phase",-34} {"clients",7} {"ops/s",10} {"p50",7} {"p99",7} | {"Redis ops/s",11} {"p50",7} {"p99",7} | {"ops ratio",9} {"p99 ratio",9}");
        foreach (var r in rows)
        {
            var rate = r.RateMeaningful ? N0(r.Ours.PerSecond) : "-";
            var redis = r.Redis is { } x ? $"{N0(x.PerSecond),11} {x.P50,7:0.000} {x.P99,7:0.000}" : $"{"-",11} {"-",7} {"-",7}";
            var ratio = r.Redis is { PerSecond: > 0 } y && r.RateMeaningful ? (r.Ours.PerSecond / y.PerSecond).ToString("0.00", CultureInfo.InvariantCulture) : "-";
            var p99Ratio = r.Redis is { P99: > 0 } z ? (r.Ours.P99 / z.P99).ToString(r.Embedded ? "0.00000" : "0.00", CultureInfo.InvariantCulture) : "-";
            var latency = r.Embedded ? $"{r.Ours.P50,7:0.00000} {r.Ours.P99,7:0.00000}" : $"{r.Ours.P50,7:0.000} {r.Ours.P99,7:0.000}";
            Console.WriteLine($"{r.Phase,-34} {r.Ours.Clients,7} {rate,10} {latency} | {redis} | {ratio,9} {p99Ratio,9}");
        }
        Console.WriteLine("ops ratio = DistSync ops/s / Redis ops/s for the same work and clients (hit / Redis GET on the read-hit rows); p99 ratio likewise");
        Console.WriteLine("a DistSync hit here is one HTTP request to n1 answered from its line (no coherence message, see (a)); a Redis GET is one RESP");
        Console.WriteLine("round trip on StackExchange.Redis's pipelined connection");
        if (rows.Any(r => r.Embedded))
        {
            Console.WriteLine($"read hit, embedded: CacheFront.ReadAsync / TryHit called in the bench process on a DistSync node it hosts ({embeddedMode}); no HTTP,");
            Console.WriteLine($"no message; its p50/p99 are per call, from the time of {EmbeddedBatch:N0}-call batches (ms, 5 decimals; p99 ratio likewise); 'clients' = concurrent tasks");
        }

        Console.WriteLine();
        var hits = rows.Where(r => r.Phase.StartsWith("read hit", StringComparison.Ordinal) && r.Redis is { PerSecond: > 0 }).ToList();
        foreach (var h in hits.Where(r => !r.Embedded))
        {
            var ratio = h.Ours.PerSecond / h.Redis!.PerSecond;
            Console.WriteLine($"target: hits >= 10x Redis GET at {Clients(h.Ours.Clients)} (over HTTP): {ratio:0.00}x ({(ratio >= 10 ? "met" : "NOT met")})");
        }
        if (hits.Count > 0)
        {
            static string Way(IEnumerable<SummaryRow> of)
            {
                var list = of.ToList();
                if (list.Count == 0) return "not run";
                var ratios = list.Select(h => (h.Ours.Clients, Ratio: h.Ours.PerSecond / h.Redis!.PerSecond)).ToList();
                var met = ratios.Count(x => x.Ratio >= 10);
                var verdict = met == ratios.Count ? "met" : met == 0 ? "NOT met" : $"met at {met} of {ratios.Count}";
                return $"{string.Join(", ", ratios.Select(x => $"{x.Ratio:0.0}x at {x.Clients}"))} ({verdict})";
            }
            Console.WriteLine($"target: hits >= 10x Redis GET: embedded (in-process node) ReadAsync {Way(hits.Where(h => h.Phase == EmbeddedReadPhase))}; " +
                              $"TryHit {Way(hits.Where(h => h.Phase == EmbeddedTryHitPhase))}; over HTTP (GET /cache/read on n1) {Way(hits.Where(h => !h.Embedded))}");
        }
        foreach (var w in rows.Where(r => r.Phase.StartsWith("write, 1 sharer", StringComparison.Ordinal)))
            Console.WriteLine($"target: writes with one sharer < 2 ms p99 at {Clients(w.Ours.Clients)}: {w.Ours.P99:0.000} ms ({(w.Ours.P99 < 2 ? "met" : "NOT met")})");
        var mixes = rows.Where(r => r.Phase.StartsWith("90/10 Zipf", StringComparison.Ordinal)).ToList();
        if (mixes.Count > 0)
            Console.WriteLine($"reported: the Zipf mix's cluster hit rate {string.Join(", ", mixes.Select(m => $"{m.HitRate:P1} at {Clients(m.Ours.Clients)}"))} (the seeds report 73 %)");
    }

    /// <summary>The phases against one running cluster and Redis (null when not run).</summary>
    private sealed class Phases(CacheBench bench, CacheNodes nodes, IDatabase? redis, TimeSpan duration)
    {
        /// <summary>Waits until every node's cache answers a read (the home region starts with the cluster), then runs each path briefly: JIT, connections.</summary>
        public async Task WarmUpAsync(TimeSpan warm)
        {
            const string key = "warm";
            await nodes[1].PutAsync(key, ValueOf(key));
            var started = Stopwatch.GetTimestamp();
            for (var n = 0; n < 3; n++)
            {
                while (true)
                {
                    try
                    {
                        if (await nodes[n].CacheReadAsync(key) is null) throw new InvalidDataException($"n{n + 1} read no value for '{key}' just written through PUT /kv");
                        break;
                    }
                    catch (DistSyncApiException e) when (e.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable && Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(60))
                    {
                        await Task.Delay(200); // the cache is still starting
                    }
                }
            }
            await bench.DriveAsync(16, warm, _ => Op(() => nodes[0].CacheReadAsync(key)));
            await bench.DriveAsync(16, warm, w => Op(() => nodes[w % 3].CacheWriteAsync($"warm-{w}", ValueOf(key))));
            await bench.DriveAsync(16, warm, _ => Op(() => nodes[0].GetAsync(key)));
            if (redis is not null)
            {
                await redis.StringSetAsync(key, ValueOf(key));
                await bench.DriveAsync(16, warm, _ => Op(() => redis.StringGetAsync(key)));
            }
            bench._firstError = null;
        }

        /// <summary>(a): the same keys on n1 as cache hits, as Redis GETs, as linearizable KV reads.</summary>
        public async Task ReadHitAsync(int[] clientCounts, List<SummaryRow> summary)
        {
            var keys = Enumerable.Range(0, HitKeys).Select(i => $"hit-{i}").ToArray();
            foreach (var key in keys)
            {
                await nodes[1].PutAsync(key, ValueOf(key));
                if (redis is not null) await redis.StringSetAsync(key, ValueOf(key));
                var warm = await nodes[0].CacheReadAsync(key) ?? throw new InvalidDataException($"n1 read no value for '{key}' just written through PUT /kv");
                if (warm.Value != ValueOf(key)) throw new InvalidDataException($"n1 read '{key}' as a value other than the one written");
            }

            Console.WriteLine();
            Console.WriteLine($"(a) read hit: GET /cache/read on n1 over {HitKeys} keys, each read once on n1 before (client w reads key w mod {HitKeys})");
            PrintHeader();
            foreach (var c in clientCounts)
            {
                var before = await nodes.StatsAsync(0);
                var messagesBefore = await nodes.MessagesSentAsync();
                long notHit = 0;
                var ours = await bench.DriveAsync(c, duration, w => Op(async () =>
                {
                    var read = await nodes[0].CacheReadAsync(keys[w % HitKeys]).ConfigureAwait(false);
                    if (read is not { Hit: true }) Interlocked.Increment(ref notHit);
                }));
                var after = await nodes.StatsAsync(0);
                var messages = await nodes.MessagesSentAsync() - messagesBefore;
                bench.PrintRow(ours, $"DistSync hit; answers not a hit: {notHit}; n1 stats: +{after.Hits - before.Hits:N0} hits, " +
                                     $"+{after.Misses - before.Misses:N0} misses; coherence messages sent meanwhile (all nodes): {(messages is { } m ? m.ToString("N0", CultureInfo.InvariantCulture) : "n/a")}");

                Sample? theirs = null;
                if (redis is not null)
                {
                    theirs = await bench.DriveAsync(c, duration, w => Op(() => redis.StringGetAsync(keys[w % HitKeys])));
                    bench.PrintRow(theirs, $"Redis GET; hit / Redis = {Ratio(ours, theirs)}");
                }
                summary.Add(new SummaryRow("read hit (n1)", ours, theirs));

                var kv = await bench.DriveAsync(c, duration, w => Op(() => nodes[0].GetAsync(keys[w % HitKeys], ReadConsistency.Linearizable)));
                bench.PrintRow(kv, $"GET /kv linearizable on n1; hit / kv = {Ratio(ours, kv)}");
                summary.Add(new SummaryRow("GET /kv linearizable (n1)", kv, theirs));
            }
        }

        /// <summary>(b): every read on n1 is of a key n1 never saw; its value only in the KV, or in M on n2.</summary>
        public async Task ReadMissAsync(int[] clientCounts, List<SummaryRow> summary)
        {
            Console.WriteLine();
            Console.WriteLine($"(b) read miss: GET /cache/read on n1 of a fresh key each time, its value written before the run (up to {bench._maxPool:N0} keys " +
                              $"or {bench._poolBudget.TotalSeconds:0} s of writing; a run ends early when they run out)");
            PrintHeader();
            // n2's lines written for the M case stay under both of its LRU bounds, so none is evicted (written back) before n1 asks
            var n2 = await nodes.StatsAsync(1);
            var room = Math.Min(n2.Capacity > 0 ? n2.Capacity : int.MaxValue, n2.MaxBytes > 0 ? (int)Math.Min(int.MaxValue, n2.MaxBytes / (ValueBytes + 32)) : int.MaxValue);
            var mPool = Math.Max(1, Math.Min(bench._maxPool, room / 2));
            foreach (var c in clientCounts)
            {
                var inKv = await PrewriteAsync($"miss-kv-{c}-", bench._maxPool, (w, key) => nodes[1 + w % 2].PutAsync(key, ValueOf(key)));
                summary.Add(new SummaryRow("read miss, value in the KV only", await MissRunAsync(c, inKv, "value in the KV only", expectState: null), null));

                var inM = await PrewriteAsync($"miss-m-{c}-", mPool, (_, key) => nodes[1].CacheWriteAsync(key, ValueOf(key)));
                summary.Add(new SummaryRow("read miss, line in M on n2", await MissRunAsync(c, inM, "line in M on n2", expectState: "S"), null));
            }
        }

        private async Task<Sample> MissRunAsync(int clients, string[] keys, string what, string? expectState)
        {
            var next = -1;
            long wrong = 0, hit = 0, stateOther = 0;
            var sample = await bench.DriveAsync(clients, duration, _ =>
            {
                var i = Interlocked.Increment(ref next);
                if (i >= keys.Length) return Task.FromResult<Func<Task>?>(null);
                var key = keys[i];
                return Op(async () =>
                {
                    var read = await nodes[0].CacheReadAsync(key).ConfigureAwait(false);
                    if (read is null || read.Value != ValueOf(key)) Interlocked.Increment(ref wrong);
                    else if (read.Hit) Interlocked.Increment(ref hit);
                    else if (expectState is not null && read.State != expectState) Interlocked.Increment(ref stateOther);
                });
            });
            var ranOut = next >= keys.Length ? $"; all {keys.Length:N0} keys read after {sample.Seconds:0.0} s" : "";
            var states = expectState is null ? "" : $"; state not {expectState}: {stateOther}";
            bench.PrintRow(sample, $"{what}; wrong or missing values: {wrong}; answered as hits: {hit}{states}{ranOut}");
            return sample;
        }

        /// <summary>Writes up to <paramref name="target"/> keys with 32 writers, within the pool's time budget; the keys written, in order.</summary>
        private async Task<string[]> PrewriteAsync(string prefix, int target, Func<int, string, Task> write)
        {
            var keys = new string?[target];
            var next = -1;
            using var stop = new CancellationTokenSource(bench._poolBudget);
            await Task.WhenAll(Enumerable.Range(0, 32).Select(w => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var i = Interlocked.Increment(ref next);
                    if (i >= target) return;
                    var key = prefix + i.ToString(CultureInfo.InvariantCulture);
                    try
                    {
                        await write(w, key).ConfigureAwait(false);
                        keys[i] = key;
                    }
                    catch (Exception e) when (IsError(e))
                    {
                        // left out of the pool
                    }
                }
            })));
            return keys.OfType<string>().ToArray();
        }

        /// <summary>
        /// (c): each client writes its own key on n1; before each write the key is read on the sharers (n2, or n2 and
        /// n3), which must see the previous write.
        /// </summary>
        public async Task WriteAsync(int[] clientCounts, List<SummaryRow> summary)
        {
            Console.WriteLine();
            Console.WriteLine("(c) write: POST /cache/write on n1, each client its own key; before each write (untimed) the key is read on its sharers, " +
                              "each read checked against the previous write; ops/s with sharers includes those reads");
            PrintHeader();
            foreach (var sharers in new[] { 0, 1, 2 })
            {
                foreach (var c in clientCounts)
                {
                    var keys = Enumerable.Range(0, c).Select(w => $"write-{sharers}-{c}-{w}").ToArray();
                    var last = new string[c];
                    var iteration = new long[c];
                    for (var w = 0; w < c; w++)
                    {
                        last[w] = ValueOf($"{keys[w]}#0");
                        await nodes[0].CacheWriteAsync(keys[w], last[w]);
                    }
                    long stale = 0, notM = 0;
                    var before = await nodes.SumStatsAsync();
                    var ours = await bench.DriveAsync(c, duration, async w =>
                    {
                        for (var s = 1; s <= sharers; s++)
                        {
                            var seen = await nodes[s].CacheReadAsync(keys[w]).ConfigureAwait(false);
                            if (seen?.Value != last[w]) Interlocked.Increment(ref stale);
                        }
                        var value = ValueOf($"{keys[w]}#{++iteration[w]}");
                        return async () =>
                        {
                            var written = await nodes[0].CacheWriteAsync(keys[w], value).ConfigureAwait(false);
                            last[w] = value;
                            if (written.State != "M") Interlocked.Increment(ref notM);
                        };
                    });
                    var after = await nodes.SumStatsAsync();
                    var perWrite = ours.Ops == 0 ? 0 : (double)(after.InvalidationsSent - before.InvalidationsSent) / ours.Ops;
                    var label = sharers switch { 0 => "write, 0 sharers", 1 => "write, 1 sharer", _ => $"write, {sharers} sharers" };
                    bench.PrintRow(ours, $"{label}; reads not seeing the previous write: {stale}; answers not M: {notM}; invalidations sent per write {perWrite:0.00}");

                    Sample? theirs = null;
                    if (redis is not null)
                    {
                        theirs = await bench.DriveAsync(c, duration, w => Op(() => redis.StringSetAsync(keys[w], ValueOf(keys[w]))));
                        bench.PrintRow(theirs, "Redis SET");
                    }
                    summary.Add(new SummaryRow(label, ours, theirs, RateMeaningful: sharers == 0));
                }
            }
        }

        /// <summary>(d): 90/10 reads/writes over Zipf keys, client w on node w mod 3; the same mix and seeds on Redis.</summary>
        public async Task ZipfMixAsync(int[] clientCounts, List<SummaryRow> summary)
        {
            var zipf = new Zipf(ZipfKeys, ZipfExponent);
            var keys = Enumerable.Range(0, ZipfKeys).Select(i => $"zipf-{i}").ToArray();
            var written = await PrewriteAsync("zipf-", ZipfKeys, (w, key) => nodes[w % 3].PutAsync(key, ValueOf(key)));
            if (written.Length != ZipfKeys) throw new InvalidDataException($"only {written.Length} of {ZipfKeys} Zipf keys could be written to the KV");
            if (redis is not null)
            {
                foreach (var chunk in keys.Chunk(1000))
                    await redis.StringSetAsync(chunk.Select(k => new KeyValuePair<RedisKey, RedisValue>(k, ValueOf(k))).ToArray());
            }

            Console.WriteLine();
            Console.WriteLine($"(d) {ReadShare:P0} reads / {1 - ReadShare:P0} writes over {ZipfKeys:N0} keys, Zipf s = {ZipfExponent:0.0} (seeded), client w on n(w mod 3 + 1); " +
                              "hit rate = summed GET /cache/stats hits / (hits + misses) over the run; runs follow each other on a warm cache");
            PrintHeader();
            foreach (var c in clientCounts)
            {
                var before = await nodes.SumStatsAsync();
                long missing = 0;
                var randoms = Enumerable.Range(0, c).Select(w => new Random(Seed * 1000 + w)).ToArray();
                var ours = await bench.DriveAsync(c, duration, w =>
                {
                    var key = keys[zipf.Next(randoms[w])];
                    var node = nodes[w % 3];
                    if (randoms[w].NextDouble() < ReadShare)
                    {
                        return Op(async () =>
                        {
                            if (await node.CacheReadAsync(key).ConfigureAwait(false) is null) Interlocked.Increment(ref missing);
                        });
                    }
                    var value = ValueOf($"{key}@{w}");
                    return Op(() => node.CacheWriteAsync(key, value));
                });
                var after = await nodes.SumStatsAsync();
                var hits = after.Hits - before.Hits;
                var misses = after.Misses - before.Misses;
                var rate = hits + misses == 0 ? double.NaN : (double)hits / (hits + misses);
                bench.PrintRow(ours, $"DistSync; cluster hit rate {rate:P1} ({hits:N0} hits, {misses:N0} misses); reads of no value: {missing}");

                Sample? theirs = null;
                if (redis is not null)
                {
                    var redisRandoms = Enumerable.Range(0, c).Select(w => new Random(Seed * 1000 + w)).ToArray();
                    theirs = await bench.DriveAsync(c, duration, w =>
                    {
                        var key = keys[zipf.Next(redisRandoms[w])];
                        return redisRandoms[w].NextDouble() < ReadShare
                            ? Op(() => redis.StringGetAsync(key))
                            : Op(() => redis.StringSetAsync(key, ValueOf($"{key}@{w}")));
                    });
                    bench.PrintRow(theirs, "Redis GET/SET, same mix and seeds");
                }
                summary.Add(new SummaryRow($"90/10 Zipf mix (hit rate {rate:P1})", ours, theirs, HitRate: rate));
            }
        }

        /// <summary>
        /// (e): a node hosted in this process (<see cref="EmbeddedCacheNode"/>: joined to the bench cluster as n4, else
        /// alone) writes one key through <c>Cache.WriteAsync</c>, checks that a <c>ReadAsync</c> is a hit with the
        /// value, then times <c>Cache.ReadAsync</c> and <c>Cache.TryHit</c> on it from 1/16/64 tasks in batches of
        /// <see cref="EmbeddedBatch"/> calls. The node's <c>Stats.MessagesSent</c> must not move. Runs last: the 4th
        /// member changes the hash ring and the meta group's quorum, so nothing is measured over HTTP after it. The
        /// mode, or null when the phase failed (printed).
        /// </summary>
        public async Task<string?> EmbeddedHitAsync(string root, string dir, IReadOnlyList<string> sets, int[] clientCounts, List<SummaryRow> summary)
        {
            Console.WriteLine();
            Console.WriteLine($"(e) read hit, embedded: a DistSync node started in this process (DistSyncNode.StartAsync), one key written through its " +
                              $"Cache.WriteAsync; Cache.ReadAsync and Cache.TryHit on it, timed in batches of {EmbeddedBatch:N0} calls (p50/p99 per call)");
            const string key = "embedded-hit";
            var value = ValueOf(key);
            EmbeddedCacheNode embedded;
            try
            {
                var seeds = (await nodes[0].GetStatusAsync()).Members
                    .Select(m => m.Address[(m.Address.LastIndexOf('@') + 1)..].TrimEnd('/'))
                    .Where(a => a.Contains(':', StringComparison.Ordinal))
                    .ToList();
                embedded = await EmbeddedCacheNode.StartAsync(root, dir, "n4", seeds, sets, TimeSpan.FromSeconds(60), async node =>
                {
                    await node.Cache.WriteAsync(key, value).ConfigureAwait(false);
                    var read = await node.Cache.ReadAsync(key).ConfigureAwait(false);
                    if (!read.Hit || read.Value != value)
                        throw new InvalidDataException($"the read after the write was {(read.Hit ? "a hit" : "not a hit")} in {read.State} with {(read.Value == value ? "the value written" : "another value")}");
                });
            }
            catch (Exception e) when (e is TimeoutException or NodeStartupException or NodeUnreachableException or DistSyncApiException or HttpRequestException
                                          or IOException or FormatException)
            {
                Console.WriteLine($"{"",8} embedded phase NOT run: {e.GetType().Name}: {e.Message}");
                BenchSupport.TryDelete(dir);
                return null;
            }

            await using (embedded)
            {
                var cache = embedded.Node.Cache;
                var check = await cache.ReadAsync(key);
                Console.WriteLine($"{"",8} embedded node: {embedded.Mode}; http {embedded.Node.HttpAddress} (unused here)");
                Console.WriteLine($"{"",8} check: ReadAsync(\"{key}\") Hit = {check.Hit}, state {check.State}, value {(check.Value == value ? "as written" : "NOT as written")}");
                if (!check.Hit || check.Value != value)
                {
                    Console.WriteLine($"{"",8} embedded phase NOT measured: the check read is not a hit of the value written");
                    return null;
                }
                Console.WriteLine($"{"",8} p50 ms and p99 ms below are per call (batch time / {EmbeddedBatch:N0}); 'clients' = concurrent tasks, yielding between batches");
                PrintHeader();
                foreach (var c in clientCounts)
                {
                    var redisGet = summary.FirstOrDefault(r => r.Phase == "read hit (n1)" && r.Ours.Clients == c)?.Redis;
                    var read = await RunEmbeddedAsync(c, cache, "ReadAsync", async () =>
                    {
                        var notHit = 0;
                        for (var i = 0; i < EmbeddedBatch; i++)
                        {
                            var r = await cache.ReadAsync(key).ConfigureAwait(false);
                            if (!r.Hit) notHit++;
                        }
                        return notHit;
                    }, redisGet);
                    summary.Add(new SummaryRow(EmbeddedReadPhase, read, redisGet, Embedded: true));
                    var tryHit = await RunEmbeddedAsync(c, cache, "TryHit", () =>
                    {
                        var notHit = 0;
                        for (var i = 0; i < EmbeddedBatch; i++)
                        {
                            if (!cache.TryHit(key, out _)) notHit++;
                        }
                        return new ValueTask<int>(notHit);
                    }, redisGet);
                    summary.Add(new SummaryRow(EmbeddedTryHitPhase, tryHit, redisGet, Embedded: true));
                }
                Console.WriteLine($"{"",8} stopping the embedded node and deleting {dir}");
            }
            return embedded.Mode;
        }

        /// <summary>
        /// <paramref name="clients"/> tasks each run <paramref name="batch"/> (<see cref="EmbeddedBatch"/> calls, the
        /// number that were not hits) until <see cref="duration"/> is over, yielding between batches so the tasks share
        /// the thread pool; latencies are batch time / batch size.
        /// </summary>
        private async Task<Sample> RunEmbeddedAsync(int clients, DistSync.Cache.CacheFront cache, string what, Func<ValueTask<int>> batch, Sample? redisGet)
        {
            var perCall = new List<double>[clients];
            var notHits = new long[clients];
            var hitsBefore = cache.Stats.Hits;
            var messagesBefore = cache.Stats.MessagesSent;
            var stop = 0;
            using var timer = new Timer(_ => Volatile.Write(ref stop, 1), null, duration, Timeout.InfiniteTimeSpan);
            var started = Stopwatch.GetTimestamp();
            var workers = new Task[clients];
            for (var w = 0; w < clients; w++)
            {
                var worker = w;
                var mine = perCall[worker] = new List<double>(64 * 1024);
                workers[worker] = Task.Run(async () =>
                {
                    while (Volatile.Read(ref stop) == 0)
                    {
                        var t0 = Stopwatch.GetTimestamp();
                        notHits[worker] += await batch().ConfigureAwait(false);
                        mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds / EmbeddedBatch);
                        await Task.Yield();
                    }
                });
            }
            await Task.WhenAll(workers);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var messages = cache.Stats.MessagesSent - messagesBefore;
            var hits = cache.Stats.Hits - hitsBefore;
            var all = perCall.SelectMany(l => l).ToArray();
            Array.Sort(all);
            var sample = new Sample(clients, (long)all.Length * EmbeddedBatch, 0, elapsed, BenchSupport.Percentile(all, 0.50), BenchSupport.Percentile(all, 0.99));
            var ratio = redisGet is null ? "no Redis run" : $"{what} / Redis GET = {Ratio(sample, redisGet)}";
            Console.WriteLine($"{sample.Clients,8} {N0(sample.PerSecond),10} {sample.P50,8:0.00000} {sample.P99,8:0.00000} {sample.Errors,7}  " +
                              $"{what}; answers not a hit: {notHits.Sum():N0}; node stats +{hits:N0} hits; coherence messages sent by the node meanwhile: {messages:N0}" +
                              $"{(messages == 0 ? "" : " (NOT 0)")}; {ratio}");
            return sample;
        }

        private static Task<Func<Task>?> Op(Func<Task> operation) => Task.FromResult<Func<Task>?>(operation);

        private static string Ratio(Sample ours, Sample theirs) =>
            theirs.PerSecond > 0 ? (ours.PerSecond / theirs.PerSecond).ToString("0.00", CultureInfo.InvariantCulture) + "x" : "-";
    }

    /// <summary>A DistSyncClient per node over one shared SocketsHttpHandler each (pooled connections, no per-request timer).</summary>
    private sealed class CacheNodes : IDisposable
    {
        private readonly HttpClient[] _http;
        private readonly DistSyncClient[] _clients;

        public CacheNodes(NodeCluster cluster)
        {
            _http = cluster.HttpPorts.Select((_, i) => cluster.Http(i, TimeSpan.FromSeconds(30))).ToArray();
            _clients = _http.Select(h => new DistSyncClient(h)).ToArray();
        }

        public DistSyncClient this[int node] => _clients[node];

        public Task<CacheStatsResponse> StatsAsync(int node) => _clients[node].CacheStatsAsync();

        /// <summary>The counters of <c>GET /cache/stats</c> summed over the three nodes.</summary>
        public async Task<Counters> SumStatsAsync()
        {
            var all = await Task.WhenAll(_clients.Select(c => c.CacheStatsAsync()));
            return new Counters(all.Sum(s => s.Hits), all.Sum(s => s.Misses), all.Sum(s => s.InvalidationsSent), all.Sum(s => s.InvalidationsReceived));
        }

        /// <summary>
        /// <c>dsync_cache_messages_sent_total</c> (coherence messages sent by the nodes' lines and homes) summed over the
        /// three nodes' <c>/metrics</c>; null when a node does not export it.
        /// </summary>
        public async Task<long?> MessagesSentAsync()
        {
            long sum = 0;
            foreach (var http in _http)
            {
                var found = false;
                foreach (var line in (await http.GetStringAsync("metrics").ConfigureAwait(false)).Split('\n'))
                {
                    if (!line.StartsWith(MessagesMetric, StringComparison.Ordinal) || line.Length <= MessagesMetric.Length || line[MessagesMetric.Length] is not ('{' or ' ')) continue;
                    if (!double.TryParse(line[(line.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) continue;
                    sum += (long)value;
                    found = true;
                }
                if (!found) return null;
            }
            return sum;
        }

        private const string MessagesMetric = "dsync_cache_messages_sent_total";

        public void Dispose()
        {
            foreach (var c in _clients) c.Dispose();
            foreach (var h in _http) h.Dispose();
        }
    }

    private sealed record Counters(long Hits, long Misses, long InvalidationsSent, long InvalidationsReceived);

    /// <summary>Key ranks 0..n-1 drawn with probability proportional to 1 / (rank + 1)^s, by binary search of the CDF.</summary>
    private sealed class Zipf
    {
        private readonly double[] _cdf;

        public Zipf(int n, double s)
        {
            _cdf = new double[n];
            double sum = 0;
            for (var i = 0; i < n; i++)
            {
                sum += 1 / Math.Pow(i + 1, s);
                _cdf[i] = sum;
            }
            for (var i = 0; i < n; i++) _cdf[i] /= sum;
        }

        public int Next(Random random)
        {
            var i = Array.BinarySearch(_cdf, random.NextDouble());
            return Math.Min(i < 0 ? ~i : i, _cdf.Length - 1);
        }
    }
}
