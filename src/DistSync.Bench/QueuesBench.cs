using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using DistSync.Client;
using DistSync.Client.Contracts;
using ClosedLoopResult = DistSync.Bench.BenchSupport.ClosedLoopResult;
using EndToEndResult = DistSync.Bench.BenchSupport.EndToEndResult;

namespace DistSync.Bench;

/// <summary>
/// <c>./build.sh bench queues [--seconds S] [--clients 1,16,64] [--quick] [--no-load | --load-only] [--no-rabbit] [--node-dll PATH] [--set key=value]...</c>
/// <para>Starts three DistSync node processes (the shipped hocon/dsync.conf: SQLite journal with fsync) on free loopback
/// ports, founding one meta group; one queue <c>bench</c> (created by its first produce: 8 partitions, each a Raft group
/// of 3 replicas). Payloads are 16 bytes: the producer's send timestamp as 16 hex digits. Clients go round-robin over
/// the three nodes (a node forwards to the partition's leader), through plain HttpClient on the /queue routes.</para>
/// <para>(a) confirmed produce: N closed-loop producers, each waiting for the 201 (committed in the partition's group);
/// msg/s and latency of the 201. (b) end to end: N producers and N consumers at once; a consumer long-polls
/// (<c>max</c> 32, <c>waitMs</c> 1000) and acks each batch in one request; msg/s acked within the window and the latency
/// from the produce's send to the ack's 200. The queue is drained before every end-to-end run, and messages sent
/// before a run began are not counted in it. (c) idle CPU: on a fresh three-node cluster, 4 queues (32 partitions),
/// 90 s to settle (past the JIT's tier-up), then each node process's utime+stime from <c>/proc/PID/stat</c> over 20 s, as % of one core. (d) rebalance
/// stall: a 4th node joins under produce load (<see cref="QueueRebalanceStall"/>).</para>
/// <para>RabbitMQ, in the same run after DistSync's load cluster has stopped (unless <c>--no-rabbit</c> or
/// <c>--no-load</c>): when <c>rabbitmq-server</c> is installed, the bench starts its own 3-node RabbitMQ cluster on
/// loopback, runs (a) and (b) against a 3-replica quorum queue through RabbitMQ.Client and prints both side by side
/// (<see cref="RabbitQueueComparison"/>); when it is not, issue 12's reference figures (measured elsewhere) beside ours.
/// <c>--load-only</c> stops after (a), (b) and RabbitMQ.</para>
/// <para>The node executable: <c>--node-dll</c>, else <c>$DSYNC_NODE_DLL</c>, else built with <c>dotnet build
/// src/DistSync.Node -c Release --artifacts-path $TMP/dsync-queuesbench-build</c>.</para>
/// </summary>
public sealed class QueuesBench : IBenchmark
{
    private const string Queue = "bench";
    private const int PayloadBytes = 16;
    private const int ConsumeMax = 32;
    private const long VisibilityMs = 30_000;
    private const long WaitMs = 1_000;
    private const int IdleQueues = 4;
    private static readonly TimeSpan IdleSettle = TimeSpan.FromSeconds(90);  // past the JIT's tier-up (a fresh process compiles for its first minute or two)
    private static readonly TimeSpan IdleMeasure = TimeSpan.FromSeconds(20);

    /// <summary>Issue 12's reference: RabbitMQ 3.10, 3-node quorum queue, msg/s (confirmed produce, end to end).</summary>
    private static readonly (int Clients, double Produce, double EndToEnd)[] RabbitReference =
        [(1, 2_640, 1_981), (16, 7_211, 4_208), (64, 12_201, 7_220)];

    private string? _firstError;

    public string Name => "queues";

    public string Description => "3 node processes (sqlite, fsync): confirmed produce and end-to-end msg/s, p50/p99 at 1/16/64 clients; idle CPU with 32 partitions; a same-run 3-node RabbitMQ quorum queue if installed";

    public async Task<int> RunAsync(string[] args)
    {
        var options = new BenchSupport.NodeBenchOptions();
        var sets = new List<string>();
        var noLoad = false;
        var loadOnly = false;
        var rabbitWanted = true;
        for (var i = 0; i < args.Length; i++)
        {
            if (options.TryApply(args, ref i)) continue;
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--set" when value is not null: sets.Add(value); i++; break;
                case "--quick": options.Seconds = 3; break;
                // only the idle-CPU and rebalance phases (c, d)
                case "--no-load": noLoad = true; break;
                // only (a), (b) and the RabbitMQ comparison: the idle and rebalance phases take minutes
                case "--load-only": loadOnly = true; break;
                case "--no-rabbit": rabbitWanted = false; break;
                default:
                    Console.Error.WriteLine($"queues: unknown or incomplete argument '{args[i]}'");
                    return 2;
            }
        }
        var (seconds, clientCounts) = (options.Seconds, options.ClientCounts);
        if (seconds <= 0 || clientCounts.Any(c => c < 1) || (noLoad && loadOnly))
        {
            Console.Error.WriteLine("queues: --seconds must be positive, every client count at least 1, and --no-load and --load-only exclude each other");
            return 2;
        }
        var (root, nodeDll, exitCode) = await BenchSupport.RootAndNodeAsync("queues", options.NodeDll, alsoFromBinary: true, "dsync-queuesbench-build");
        if (exitCode != 0) return exitCode;
        if (!File.Exists(nodeDll))
        {
            Console.Error.WriteLine($"queues: the node executable {nodeDll} does not exist");
            return 2;
        }

        var work = Path.Combine(Path.GetTempPath(), "dsync-queuesbench-" + Guid.NewGuid().ToString("N")[..8]);
        Console.WriteLine($"queues benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {seconds:0.#} s per run, " +
                          $"{PayloadBytes}-byte payloads, data in {work}; load average {BenchSupport.LoadAverage()}");
        var produce = new List<ClosedLoopResult>();
        var endToEnd = new List<EndToEndResult>();
        if (!noLoad)
        using (var cluster = new NodeCluster(nodeDll, root, Path.Combine(work, "load"), sets))
        using (var http = new QueueHttp(cluster))
        {
            try
            {
                cluster.StartAll();
                await cluster.WaitForLeaderAsync([0, 1, 2], TimeSpan.FromSeconds(60));
                await CreateQueueAsync(http, Queue, TimeSpan.FromSeconds(60));
                var warm = TimeSpan.FromSeconds(Math.Min(3, seconds));
                await ProduceRunAsync(http, 16, warm); // warm-up: JIT, connections, journals
                await DrainAsync(http);
                await EndToEndRunAsync(http, 16, warm);

                Console.WriteLine();
                Console.WriteLine("(a) confirmed produce: closed-loop producers round-robin over the three nodes; latency = until the 201 (committed)");
                BenchSupport.PrintHeader("msg/s", 10);
                foreach (var c in clientCounts)
                {
                    var row = await ProduceRunAsync(http, c, TimeSpan.FromSeconds(seconds));
                    produce.Add(row);
                    BenchSupport.PrintRow(row, 10);
                    PrintFirstError();
                }

                Console.WriteLine();
                Console.WriteLine($"(b) end to end: N producers + N consumers (long-poll max {ConsumeMax}, waitMs {WaitMs}, one ack per batch); " +
                                  "msg/s acked; latency = produce sent -> ack 200");
                var drained = 0L;
                BenchSupport.PrintEndToEndHeader();
                foreach (var c in clientCounts)
                {
                    drained += await DrainAsync(http);
                    var row = await EndToEndRunAsync(http, c, TimeSpan.FromSeconds(seconds));
                    endToEnd.Add(row);
                    BenchSupport.PrintEndToEndRow(row);
                    PrintFirstError();
                }
                Console.WriteLine($"{"",8} (before the runs, {drained:N0} messages left by earlier runs were drained; N = producers = consumers)");
                Console.WriteLine($"{"",8} load average after DistSync's runs: {BenchSupport.LoadAverage()}");
            }
            catch (Exception e) when (e is TimeoutException or HttpRequestException or JsonException or TaskCanceledException)
            {
                Console.Error.WriteLine($"queues: {e.Message}");
                cluster.DumpLogs();
                return 1;
            }
        }

        var rabbitBin = rabbitWanted && !noLoad ? RabbitCluster.FindBinDirectory() : null;
        if (rabbitBin is not null)
            await RabbitQueueComparison.RunAsync(rabbitBin, Path.Combine(work, "rabbitmq"), clientCounts, seconds, produce, endToEnd);

        if (!loadOnly)
        {
            if (!await IdleCpuAsync(nodeDll, root, Path.Combine(work, "idle"), sets)) return 1;
            if (!await QueueRebalanceStall.RunAsync(nodeDll, root, Path.Combine(work, "rebalance"), sets)) return 1;
        }
        if (rabbitBin is null) PrintRabbitReference(produce, endToEnd, rabbitWanted && !noLoad);
        BenchSupport.TryDelete(work);
        return 0;
    }

    /// <summary>
    /// bench compare's queue rows, on <paramref name="cluster"/> already running: creates the queue, warms up as
    /// <see cref="RunAsync"/> does, then phase (b) end to end at each client count (drained before each).
    /// </summary>
    internal async Task<List<EndToEndResult>> EndToEndRowsAsync(NodeCluster cluster, IReadOnlyList<int> clientCounts, TimeSpan warm, TimeSpan window)
    {
        using var http = new QueueHttp(cluster);
        await CreateQueueAsync(http, Queue, TimeSpan.FromSeconds(60));
        await ProduceRunAsync(http, 16, warm);
        await DrainAsync(http);
        await EndToEndRunAsync(http, 16, warm);
        var rows = new List<EndToEndResult>();
        foreach (var c in clientCounts)
        {
            await DrainAsync(http);
            rows.Add(await EndToEndRunAsync(http, c, window));
            PrintFirstError();
        }
        return rows;
    }

    private static string N0(double v) => v.ToString("N0", CultureInfo.CurrentCulture);

    /// <summary>The first produce creates the queue (its 8 partition groups start and elect); retried until it answers 201.</summary>
    private static async Task CreateQueueAsync(QueueHttp http, string queue, TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await http.ProduceAsync(attempt % 3, queue, Payload(Stopwatch.GetTimestamp()));
                return;
            }
            catch (Exception e) when (IsError(e) && Stopwatch.GetElapsedTime(started) < timeout)
            {
                await Task.Delay(200);
            }
        }
    }

    private Task<ClosedLoopResult> ProduceRunAsync(QueueHttp http, int clients, TimeSpan duration) =>
        BenchSupport.DriveClosedLoopAsync(clients, duration, async w =>
        {
            await http.ProduceAsync(w % 3, Queue, Payload(Stopwatch.GetTimestamp())).ConfigureAwait(false);
            return null;
        }, Noted);

    /// <summary>
    /// N producers and N consumers for <paramref name="duration"/>. A consumer counts a message once its ack's 200 came
    /// back within the window, the receipt was not reported unknown and the message was sent after the run began.
    /// </summary>
    private async Task<EndToEndResult> EndToEndRunAsync(QueueHttp http, int clients, TimeSpan duration)
    {
        var started = Stopwatch.GetTimestamp();
        var end = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long produced = 0, errors = 0, redelivered = 0;
        var latencies = new List<double>[clients];
        var workers = new List<Task>(2 * clients);
        for (var w = 0; w < clients; w++)
        {
            var worker = w;
            latencies[worker] = new List<double>(16 * 1024);
            workers.Add(Task.Run(async () =>
            {
                while (Stopwatch.GetTimestamp() < end)
                {
                    try
                    {
                        await http.ProduceAsync(worker % 3, Queue, Payload(Stopwatch.GetTimestamp())).ConfigureAwait(false);
                        if (Stopwatch.GetTimestamp() < end) Interlocked.Increment(ref produced);
                    }
                    catch (Exception e) when (Noted(e))
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
            }));
            workers.Add(Task.Run(async () =>
            {
                var node = (worker + 1) % 3; // with one client the producer and its consumer are on different nodes
                while (Stopwatch.GetTimestamp() < end)
                {
                    try
                    {
                        var batch = await http.ConsumeAsync(node, Queue, ConsumeMax, VisibilityMs, WaitMs).ConfigureAwait(false);
                        if (batch.Count == 0) continue;
                        var ack = await http.AckAsync(node, Queue, batch.Select(m => m.Receipt).ToList()).ConfigureAwait(false);
                        var now = Stopwatch.GetTimestamp();
                        if (now >= end) break;
                        var unknown = ack.Unknown.Count == 0 ? null : ack.Unknown.ToHashSet(StringComparer.Ordinal);
                        foreach (var m in batch)
                        {
                            if (unknown?.Contains(m.Receipt) == true) continue;
                            if (!long.TryParse(m.Payload, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var sent) || sent < started) continue;
                            if (m.DeliveryCount > 1) Interlocked.Increment(ref redelivered);
                            latencies[worker].Add((now - sent) * 1000.0 / Stopwatch.Frequency);
                        }
                    }
                    catch (Exception e) when (Noted(e))
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
            }));
        }
        await Task.WhenAll(workers);
        var elapsed = duration.TotalSeconds;
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new EndToEndResult(clients, all.Length, produced, errors, redelivered, elapsed,
            BenchSupport.Percentile(all, 0.50), BenchSupport.Percentile(all, 0.95), BenchSupport.Percentile(all, 0.99));
    }

    /// <summary>Consumes and acks until two consumes in a row find nothing ready; how many messages were removed.</summary>
    private static async Task<long> DrainAsync(QueueHttp http)
    {
        long drained = 0;
        var empty = 0;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; empty < 2; i++)
        {
            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(120)) throw new TimeoutException("draining the queue took over 120 s");
            var batch = await http.ConsumeAsync(i % 3, Queue, 1000, 60_000, 0);
            if (batch.Count == 0)
            {
                empty++;
                continue;
            }
            empty = 0;
            drained += (await http.AckAsync(i % 3, Queue, batch.Select(m => m.Receipt).ToList())).Acked;
        }
        return drained;
    }

    /// <summary>(c): a fresh cluster with 4 queues; each node's CPU over 20 s after 10 s to settle. False if it failed.</summary>
    private static async Task<bool> IdleCpuAsync(string nodeDll, string root, string work, IReadOnlyList<string> sets)
    {
        Console.WriteLine();
        Console.WriteLine($"(c) idle CPU: a fresh 3-node cluster, {IdleQueues} queues created by one produce each, {IdleSettle.TotalSeconds:0} s to settle, " +
                          $"then utime+stime of each node process over {IdleMeasure.TotalSeconds:0} s");
        using var cluster = new NodeCluster(nodeDll, root, work, sets);
        using var http = new QueueHttp(cluster);
        try
        {
            cluster.StartAll();
            await cluster.WaitForLeaderAsync([0, 1, 2], TimeSpan.FromSeconds(60));
            // the same cluster before any queue exists: what the meta group, Akka.Cluster and sharding cost alone
            await Task.Delay(IdleSettle);
            var basePids = Enumerable.Range(0, 3).Select(cluster.ProcessId).ToArray();
            var baseBefore = basePids.Select(CpuTicks).ToArray();
            var b0 = Stopwatch.GetTimestamp();
            await Task.Delay(IdleMeasure);
            var baseAfter = basePids.Select(CpuTicks).ToArray();
            var baseWall = Stopwatch.GetElapsedTime(b0).TotalSeconds;
            var baseCpu = Enumerable.Range(0, 3).Select(i => (baseAfter[i] - baseBefore[i]) / ClockTicksPerSecond()).ToArray();
            Console.WriteLine($"  before any queue (meta group only): {string.Join(" / ", baseCpu.Select(c => (100 * c / baseWall).ToString("0.0", CultureInfo.InvariantCulture)))} % of a core per node");
            for (var q = 0; q < IdleQueues; q++) await CreateQueueAsync(http, $"idle-{q}", TimeSpan.FromSeconds(60));
            var listed = (await http.ListAsync(0)).Where(s => !s.Queue.EndsWith(".dlq", StringComparison.Ordinal)).ToList();
            Console.WriteLine($"  /queue/list: {listed.Count} queues, {listed.Sum(s => s.Partitions)} partitions (each a Raft group of 3 replicas), plus the meta group");
            await Task.Delay(IdleSettle);
            Console.WriteLine($"  load average before measuring: {BenchSupport.LoadAverage()} (other work on this machine)");
            var pids = Enumerable.Range(0, 3).Select(cluster.ProcessId).ToArray();
            var before = pids.Select(CpuTicks).ToArray();
            var t0 = Stopwatch.GetTimestamp();
            await Task.Delay(IdleMeasure);
            var after = pids.Select(CpuTicks).ToArray();
            var wall = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            var hz = ClockTicksPerSecond();
            Console.WriteLine($"{"node",8} {"pid",8} {"cpu s",8} {"% core",8}");
            double total = 0;
            for (var i = 0; i < 3; i++)
            {
                var cpu = (after[i] - before[i]) / hz;
                total += cpu;
                Console.WriteLine($"{"n" + (i + 1),8} {pids[i],8} {cpu,8:0.00} {100 * cpu / wall,8:0.0}");
            }
            Console.WriteLine($"{"all",8} {"",8} {total,8:0.00} {100 * total / wall,8:0.0}   (over {wall:0.0} s; % of one core, summed over the three)");
            return true;
        }
        catch (Exception e) when (e is TimeoutException or HttpRequestException or JsonException or TaskCanceledException or IOException)
        {
            Console.Error.WriteLine($"queues: idle CPU: {e.Message}");
            cluster.DumpLogs();
            return false;
        }
    }

    /// <summary>utime + stime (clock ticks) of a process from <c>/proc/PID/stat</c>: fields 14 and 15, after the parenthesised name.</summary>
    private static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state), so utime (14) and stime (15) are fields[11] and fields[12]
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    [DllImport("libc", EntryPoint = "sysconf")]
    private static extern long SysConf(int name);

    /// <summary>sysconf(_SC_CLK_TCK) (2 on Linux); 100, the usual value, if it cannot be asked.</summary>
    private static double ClockTicksPerSecond()
    {
        try
        {
            return SysConf(2) is var hz and > 0 ? hz : 100;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return 100;
        }
    }

    /// <summary>When no same-run comparison ran: why, and issue 12's figures as a footnote.</summary>
    private static void PrintRabbitReference(List<ClosedLoopResult> produce, List<EndToEndResult> endToEnd, bool wanted)
    {
        Console.WriteLine();
        Console.WriteLine(!wanted ? "RabbitMQ comparison: not run (--no-rabbit or --no-load)"
            : BenchSupport.FindOnPath("rabbitmq-server") is { } rabbit
                ? $"RabbitMQ comparison: skipped (rabbitmq-server is on PATH at {rabbit}, but its rabbitmqctl and real start script were not found beside it)"
                : "RabbitMQ comparison: skipped (no rabbitmq-server on PATH; Debian package rabbitmq-server)");
        Console.WriteLine("reference figures from issue 12: RabbitMQ 3.10, 3-node quorum queue (measured elsewhere, not on this machine;");
        Console.WriteLine("the ratios compare our figures above with them and are indicative only)");
        Console.WriteLine($"{"clients",8} {"produce/s",10} {"ours/rmq",9} {"e2e/s",10} {"ours/rmq",9}");
        foreach (var (clients, rmqProduce, rmqEndToEnd) in RabbitReference)
        {
            var ours = produce.FirstOrDefault(r => r.Clients == clients);
            var oursE2e = endToEnd.FirstOrDefault(r => r.Clients == clients);
            var pr = ours is null ? "-" : (ours.PerSecond / rmqProduce).ToString("0.00", CultureInfo.InvariantCulture);
            var er = oursE2e is null ? "-" : (oursE2e.AckedPerSecond / rmqEndToEnd).ToString("0.00", CultureInfo.InvariantCulture);
            Console.WriteLine($"{clients,8} {N0(rmqProduce),10} {pr,9} {N0(rmqEndToEnd),10} {er,9}");
        }
    }

    /// <summary>16 hex digits of a Stopwatch timestamp: the 16-byte payload that carries its send time.</summary>
    private static string Payload(long timestamp) => timestamp.ToString("x16", CultureInfo.InvariantCulture);

    private static bool IsError(Exception e) => e is HttpRequestException or TaskCanceledException or JsonException;

    /// <summary>Whether <paramref name="e"/> counts as a failed request; the first such of a run is kept to print.</summary>
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

    /// <summary>The /queue routes over plain HttpClient (one per node, DistSyncJson options); a non-success status throws.</summary>
    private sealed class QueueHttp : IDisposable
    {
        private readonly HttpClient[] _nodes;

        public QueueHttp(NodeCluster cluster) =>
            _nodes = cluster.HttpPorts.Select((_, i) => cluster.Http(i, TimeSpan.FromSeconds(30))).ToArray();

        public async Task ProduceAsync(int node, string queue, string payload)
        {
            using var response = await _nodes[node].PostAsJsonAsync("queue/produce", new ProduceRequest(queue, payload), DistSyncJson.Options).ConfigureAwait(false);
            await EnsureAsync(response, HttpStatusCode.Created).ConfigureAwait(false);
        }

        public async Task<List<ConsumedMessage>> ConsumeAsync(int node, string queue, int max, long visibilityMs, long waitMs)
        {
            using var response = await _nodes[node].PostAsJsonAsync("queue/consume", new ConsumeRequest(queue, max, visibilityMs, waitMs), DistSyncJson.Options).ConfigureAwait(false);
            await EnsureAsync(response, HttpStatusCode.OK).ConfigureAwait(false);
            return await response.Content.ReadFromJsonAsync<List<ConsumedMessage>>(DistSyncJson.Options).ConfigureAwait(false) ?? throw new JsonException("consume answered null");
        }

        public async Task<AckResponse> AckAsync(int node, string queue, IReadOnlyList<string> receipts)
        {
            using var response = await _nodes[node].PostAsJsonAsync("queue/ack", new AckRequest(queue, receipts), DistSyncJson.Options).ConfigureAwait(false);
            await EnsureAsync(response, HttpStatusCode.OK).ConfigureAwait(false);
            return await response.Content.ReadFromJsonAsync<AckResponse>(DistSyncJson.Options).ConfigureAwait(false) ?? throw new JsonException("ack answered null");
        }

        public async Task<List<QueueSummary>> ListAsync(int node) =>
            await _nodes[node].GetFromJsonAsync<List<QueueSummary>>("queue/list", DistSyncJson.Options).ConfigureAwait(false) ?? throw new JsonException("list answered null");

        private static async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode expected)
        {
            if (response.StatusCode == expected) return;
            var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            throw new HttpRequestException($"{response.RequestMessage?.RequestUri?.AbsolutePath} answered {(int)response.StatusCode}: {body}", null, response.StatusCode);
        }

        public void Dispose()
        {
            foreach (var n in _nodes) n.Dispose();
        }
    }
}
