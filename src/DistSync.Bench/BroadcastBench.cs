using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DistSync.Client;
using StackExchange.Redis;

namespace DistSync.Bench;

/// <summary>
/// <c>./build.sh bench broadcast [--seconds S] [--clients 1,16,64] [--subscribers N] [--paced-rate R] [--quick] [--no-redis] [--no-etcd] [--node-dll PATH] [--set key=value]...</c>
/// <para>Starts three DistSync node processes (the shipped hocon/dsync.conf: SQLite journal with fsync) on free loopback
/// ports, founding one meta group, whose leader sequences every topic. Publishers go round-robin over the three nodes
/// (a follower forwards to the leader) through DistSync.Client's <c>PublishAsync</c>; each publisher has its own
/// clientId and a clientSeq counting up from 1. Payloads are 64 bytes: the send time (a Stopwatch timestamp of this
/// process) as 16 hex digits, the publisher and its clientSeq, padding.</para>
/// <para>(a) publish throughput: N closed-loop publishers for S seconds on one topic, and 64 over 8 topics (publisher w
/// on topic w mod 8); msg/s and the latency of the 201. (b) end to end: N subscribers (default 100) spread over the three
/// nodes, each its own SSE stream (<c>SubscribeAsync</c>, <c>GET /broadcast/subscribe</c>) from seq 1 of a fresh topic
/// whose seq 1 is a primer (every subscriber has seen it before the run starts); 16 publishers closed loop, then 16
/// publishers paced to R msg/s in all (default 1,000). Every subscriber records receive time - send time of every
/// message; p50/p99/max over all deliveries, delivered vs published x subscribers. After the publishers stop, the bench
/// waits for every subscriber to reach the topic's last seq, then checks that each one saw 1, 2, 3, ... without a gap or
/// a duplicate, that all saw the identical sequence, and that every acknowledged publish sits at the seq it was given.</para>
/// <para>References in the same run, after the DistSync cluster is stopped: one <c>redis-server</c> (no persistence):
/// PUBLISH at the same publisher counts through one StackExchange.Redis multiplexer, and the same end-to-end test with
/// SUBSCRIBE on one multiplexer per subscriber (neither durable nor ordered across publishers; no seq, so only
/// duplicates, missing messages and identical order across subscribers are checked). One etcd member (when
/// <c>/usr/bin/etcd</c> or etcd on PATH exists; temporary data dir, default fsync): PUT under a key prefix through its
/// JSON gateway at the same publisher counts, and the end-to-end test with a watch on the prefix per subscriber
/// (<c>POST /v3/watch</c>, newline-delimited JSON); its revisions are checked like seqs.</para>
/// <para>The node executable: <c>--node-dll</c>, else <c>$DSYNC_NODE_DLL</c>, else built with <c>dotnet build
/// src/DistSync.Node -c Release --artifacts-path $TMP/dsync-broadcastbench-build</c>.</para>
/// Targets (issue 14): at least 10,000 published msg/s at 64 publishers; delivery p99 under 50 ms with 100 subscribers.
/// </summary>
public sealed class BroadcastBench : IBenchmark
{
    private const int PayloadBytes = 64;
    private const int EndToEndPublishers = 16;
    private const int SpreadTopics = 8;
    private const int SpreadPublishers = 64;
    private const double TargetPublishRate = 10_000;
    private const double TargetDeliveryP99Ms = 50;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(60);

    private string? _firstError;

    public string Name => "broadcast";

    public string Description => "3 node processes: publish msg/s at 1/16/64 publishers (1 and 8 topics), SSE delivery latency to 100 subscribers with order checks; Redis pub/sub and etcd watch beside it";

    public async Task<int> RunAsync(string[] args)
    {
        var options = new BenchSupport.NodeBenchOptions();
        var sets = new List<string>();
        var redisWanted = true;
        var subscribers = 100;
        var pacedRate = 1_000.0;
        for (var i = 0; i < args.Length; i++)
        {
            if (options.TryApply(args, ref i)) continue;
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--set" when value is not null: sets.Add(value); i++; break;
                case "--subscribers" when value is not null: subscribers = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--paced-rate" when value is not null: pacedRate = double.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--quick": options.Seconds = 3; break;
                case "--no-redis": redisWanted = false; break;
                default:
                    Console.Error.WriteLine($"broadcast: unknown or incomplete argument '{args[i]}'");
                    return 2;
            }
        }
        var (seconds, publisherCounts) = (options.Seconds, options.ClientCounts);
        if (seconds <= 0 || publisherCounts.Length == 0 || publisherCounts.Any(c => c < 1) || subscribers < 1 || pacedRate < 0)
        {
            Console.Error.WriteLine("broadcast: --seconds must be positive, every publisher count and --subscribers at least 1, --paced-rate not negative (0: no paced run)");
            return 2;
        }
        var (root, nodeDll, exitCode) = await BenchSupport.RootAndNodeAsync("broadcast", options.NodeDll, alsoFromBinary: true, "dsync-broadcastbench-build");
        if (exitCode != 0) return exitCode;
        if (!File.Exists(nodeDll))
        {
            Console.Error.WriteLine($"broadcast: the node executable {nodeDll} does not exist");
            return 2;
        }

        var work = Path.Combine(Path.GetTempPath(), "dsync-broadcastbench-" + Guid.NewGuid().ToString("N")[..8]);
        var duration = TimeSpan.FromSeconds(seconds);
        var loadAtStart = LoadAverage();
        Console.WriteLine($"broadcast benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {seconds:0.#} s per run, " +
                          $"{PayloadBytes}-byte payloads, {subscribers} subscribers, data in {work}; load average at start {loadAtStart}");
        var publishRows = new List<PublishRow>();
        var deliveryRows = new List<DeliveryRow>();
        var modes = new List<double> { 0 };
        if (pacedRate > 0) modes.Add(pacedRate);

        using (var cluster = new NodeCluster(nodeDll, root, Path.Combine(work, "nodes"), sets))
        {
            Nodes? nodes = null;
            try
            {
                cluster.StartAll();
                var leader = await cluster.WaitForLeaderAsync([0, 1, 2], TimeSpan.FromSeconds(60));
                nodes = new Nodes(cluster);
                Console.WriteLine($"meta group leader n{leader + 1} (the sequencer)");
                await DistSyncPublishAsync(nodes, publisherCounts, duration, publishRows);
                foreach (var rate in modes) deliveryRows.Add(await DistSyncEndToEndAsync(nodes, subscribers, rate, duration));
            }
            catch (Exception e) when (e is TimeoutException or NodeUnreachableException or DistSyncApiException or HttpRequestException
                                          or JsonException or InvalidDataException)
            {
                Console.Error.WriteLine($"broadcast: {e.Message}");
                cluster.DumpLogs();
                return 1;
            }
            finally
            {
                nodes?.Dispose();
            }
        }
        Console.WriteLine("DistSync cluster stopped; the reference systems run alone");

        if (!redisWanted)
        {
            Console.WriteLine("\nRedis pub/sub: not run (--no-redis)");
        }
        else
        {
            await RedisAsync(Path.Combine(work, "redis"), publisherCounts, subscribers, modes, duration, publishRows, deliveryRows);
        }

        if (!options.EtcdWanted)
        {
            Console.WriteLine("\netcd watch: not run (--no-etcd)");
        }
        else if ((File.Exists("/usr/bin/etcd") ? "/usr/bin/etcd" : BenchSupport.FindOnPath("etcd")) is not { } etcd)
        {
            Console.WriteLine("\netcd watch: not run (no /usr/bin/etcd and no etcd on PATH; Debian package etcd-server)");
        }
        else
        {
            await EtcdAsync(etcd, Path.Combine(work, "etcd"), publisherCounts, subscribers, modes, duration, publishRows, deliveryRows);
        }

        PrintSummary(publishRows, deliveryRows, subscribers, loadAtStart);
        BenchSupport.TryDelete(work);
        return deliveryRows.Any(r => r.System == "DistSync" && r.Violations.Count > 0) ? 1 : 0;
    }

    // ---------------------------------------------------------------- DistSync

    private async Task DistSyncPublishAsync(Nodes nodes, int[] publisherCounts, TimeSpan duration, List<PublishRow> rows)
    {
        var run = 0;
        Func<int, string[], long, string, Task<long>> Publish(string prefix) => (w, topics, clientSeq, payload) =>
            PublishOnce(nodes, w, topics[w % topics.Length], $"{prefix}-p{w}", clientSeq, payload);

        Console.WriteLine();
        Console.WriteLine("(a) DistSync POST /broadcast/publish: closed loop, publisher w on n(w mod 3 + 1) with clientId of its own and clientSeq 1, 2, 3, ...; " +
                          "latency = until the 201 (committed by the meta group)");
        await RunPublishersAsync(16, TimeSpan.FromSeconds(Math.Min(3, duration.TotalSeconds)), 0, false, ["warm"], Publish("warm")); // JIT, connections, journal
        _firstError = null;
        PrintPublishHeader();
        foreach (var c in publisherCounts)
        {
            var r = await RunPublishersAsync(c, duration, 0, false, ["pub"], Publish($"a{run++}"));
            rows.Add(PrintPublishRow("DistSync", 1, r, ""));
        }
        var topics = Enumerable.Range(0, SpreadTopics).Select(t => $"pub8-{t}").ToArray();
        var spread = await RunPublishersAsync(SpreadPublishers, duration, 0, false, topics, Publish($"a{run}"));
        rows.Add(PrintPublishRow("DistSync", SpreadTopics, spread, $"publisher w on topic pub8-(w mod {SpreadTopics})"));
    }

    private static async Task<long> PublishOnce(Nodes nodes, int w, string topic, string clientId, long clientSeq, string payload) =>
        (await nodes[w % 3].PublishAsync(topic, payload, clientId, clientSeq).ConfigureAwait(false)).Seq;

    private async Task<DeliveryRow> DistSyncEndToEndAsync(Nodes nodes, int subscribers, double rate, TimeSpan duration)
    {
        var topic = $"e2e-{(rate > 0 ? "paced" : "closed")}";
        Console.WriteLine();
        Console.WriteLine($"(b) DistSync end to end: {subscribers} SSE subscribers (GET /broadcast/subscribe from seq 1, subscriber i on n(i mod 3 + 1)), " +
                          $"{EndToEndPublishers} publishers {Mode(rate)} on topic {topic}");
        await nodes[0].PublishAsync(topic, "primer", "primer", 1);
        var receivers = Enumerable.Range(0, subscribers).Select(_ => new Receiver()).ToArray();
        using var stop = new CancellationTokenSource();
        var tasks = new Task[subscribers];
        for (var i = 0; i < subscribers; i++)
        {
            var r = receivers[i];
            var client = nodes.Subscriber(i % 3);
            tasks[i] = Task.Run(async () =>
            {
                try
                {
                    await foreach (var m in client.SubscribeAsync(topic, 1, stop.Token).ConfigureAwait(false))
                        r.Add(Stopwatch.GetTimestamp(), m.Payload, m.Seq);
                    r.Error ??= "the stream ended";
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
                catch (Exception e) when (e is NodeUnreachableException or DistSyncApiException or InvalidDataException or HttpRequestException or IOException)
                {
                    r.Error = $"{e.GetType().Name}: {e.Message}";
                }
            });
        }
        await WaitForAsync(receivers, r => r.LastSeq >= 1, TimeSpan.FromSeconds(60), "every subscriber to see the primer (seq 1)");

        var pub = await RunPublishersAsync(EndToEndPublishers, duration, rate, true, [topic],
            (w, topics, clientSeq, payload) => PublishOnce(nodes, w, topics[0], $"{topic}-p{w}", clientSeq, payload));
        var last = (await nodes[0].TopicsAsync()).FirstOrDefault(t => t.Topic == topic)?.LastSeq ?? 0;
        var drained = await TryWaitForAsync(receivers, r => Volatile.Read(ref r.LastSeqField) >= last, DrainTimeout);
        await stop.CancelAsync();
        await Task.WhenAll(tasks);

        var violations = Verify(receivers, hasSeq: true, expectFirstSeq: 1, pub.Acks, orderedIds: true);
        if (!drained) violations.Insert(0, $"not every subscriber reached the topic's last seq {last} within {DrainTimeout.TotalSeconds:0} s after the publishers stopped");
        var committedUnacked = last - 1 - pub.Acked; // seq 1 is the primer
        var note = committedUnacked == 0 ? "" : $"{committedUnacked} committed without an acknowledgement (a failed publish that was applied)";
        var row = MakeDeliveryRow("DistSync", rate, subscribers, pub, receivers, skipFirst: 1, violations, note);
        PrintDeliveryRow(row);
        return row;
    }

    // ---------------------------------------------------------------- Redis

    private async Task RedisAsync(string dir, int[] publisherCounts, int subscribers, List<double> modes, TimeSpan duration,
        List<PublishRow> publishRows, List<DeliveryRow> deliveryRows)
    {
        using var processes = new BenchProcesses(dir);
        ConnectionMultiplexer? redis = null;
        try
        {
            Console.WriteLine();
            (redis, var port) = await StartRedisAsync(processes, dir);
            if (redis is null) return;
            Console.WriteLine($"Redis pub/sub (redis-server {redis.GetServers()[0].Version}, no persistence): PUBLISH through one StackExchange.Redis multiplexer; " +
                              "NOT durable (a subscriber that is not connected misses the message for good) and NOT ordered across publishers (no seq)");
            var pubsub = redis.GetSubscriber();
            Func<int, string[], long, string, Task<long>> publish = async (w, channels, _, payload) =>
                await pubsub.PublishAsync(RedisChannel.Literal(channels[w % channels.Length]), payload).ConfigureAwait(false);
            await RunPublishersAsync(16, TimeSpan.FromSeconds(Math.Min(3, duration.TotalSeconds)), 0, false, ["warm"], publish);
            _firstError = null;
            Console.WriteLine("(a) Redis PUBLISH (no subscribers), closed loop");
            PrintPublishHeader();
            foreach (var c in publisherCounts) publishRows.Add(PrintPublishRow("Redis", 1, await RunPublishersAsync(c, duration, 0, false, ["pub"], publish), ""));
            var channels = Enumerable.Range(0, SpreadTopics).Select(t => $"pub8-{t}").ToArray();
            publishRows.Add(PrintPublishRow("Redis", SpreadTopics, await RunPublishersAsync(SpreadPublishers, duration, 0, false, channels, publish),
                $"publisher w on channel pub8-(w mod {SpreadTopics})"));

            foreach (var rate in modes)
            {
                var channel = $"e2e-{(rate > 0 ? "paced" : "closed")}";
                Console.WriteLine();
                Console.WriteLine($"(b) Redis end to end: {subscribers} subscribers (one multiplexer each, SUBSCRIBE {channel}, messages handled in order), " +
                                  $"{EndToEndPublishers} publishers {Mode(rate)}");
                var receivers = Enumerable.Range(0, subscribers).Select(_ => new Receiver()).ToArray();
                var muxes = new List<ConnectionMultiplexer>();
                try
                {
                    foreach (var chunk in Enumerable.Range(0, subscribers).Chunk(10))
                        muxes.AddRange(await Task.WhenAll(chunk.Select(_ => ConnectionMultiplexer.ConnectAsync(RedisConfig(port)))));
                    for (var i = 0; i < subscribers; i++)
                    {
                        var r = receivers[i];
                        var queue = await muxes[i].GetSubscriber().SubscribeAsync(RedisChannel.Literal(channel));
                        queue.OnMessage(m => r.Add(Stopwatch.GetTimestamp(), m.Message.ToString(), 0));
                    }
                    var listening = await pubsub.PublishAsync(RedisChannel.Literal(channel), "primer");
                    await WaitForAsync(receivers, r => r.Count >= 1, TimeSpan.FromSeconds(30), "every subscriber to see the primer");
                    long minReceivers = long.MaxValue;
                    var pub = await RunPublishersAsync(EndToEndPublishers, duration, rate, true, [channel], async (_, _, _, payload) =>
                    {
                        var n = await pubsub.PublishAsync(RedisChannel.Literal(channel), payload).ConfigureAwait(false);
                        InterlockedMin(ref minReceivers, n);
                        return 0;
                    });
                    var expected = pub.Acked + 1;
                    var drained = await TryWaitForAsync(receivers, r => Volatile.Read(ref r.CountField) >= expected, DrainTimeout);
                    await Task.Delay(200); // anything extra (a duplicate) would arrive now
                    foreach (var m in muxes) await m.CloseAsync();
                    var violations = Verify(receivers, hasSeq: false, expectFirstSeq: 0, pub.Acks, orderedIds: false);
                    if (!drained) violations.Insert(0, $"not every subscriber received all {expected:N0} messages within {DrainTimeout.TotalSeconds:0} s after the publishers stopped");
                    var row = MakeDeliveryRow("Redis", rate, subscribers, pub, receivers, skipFirst: 1, violations,
                        $"PUBLISH reported {listening} receivers for the primer, at least {(minReceivers == long.MaxValue ? 0 : minReceivers)} during the run; no seq: order checked only as identical across subscribers");
                    PrintDeliveryRow(row);
                    deliveryRows.Add(row);
                }
                finally
                {
                    foreach (var m in muxes) m.Dispose();
                }
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Console.Error.WriteLine($"Redis comparison failed: {e.Message}");
            processes.DumpLogs(10);
        }
        finally
        {
            redis?.Dispose();
        }
    }

    private static string RedisConfig(string port) =>
        $"127.0.0.1:{port},abortConnect=false,connectTimeout=5000,syncTimeout=10000,asyncTimeout=10000";

    /// <summary>One redis-server without persistence on a free loopback port, and a multiplexer once it answers PING (as in the cache bench).</summary>
    private static async Task<(ConnectionMultiplexer? Redis, string Port)> StartRedisAsync(BenchProcesses processes, string dir)
    {
        var binary = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists) ?? BenchSupport.FindOnPath("redis-server");
        if (binary is null)
        {
            Console.WriteLine("Redis pub/sub: not run (no redis-server; apt-get install -y redis-server)");
            return (null, "");
        }
        var port = BenchSupport.FreePorts(1)[0].ToString(CultureInfo.InvariantCulture);
        processes.Start("redis", binary, ["--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], dir);
        var redis = await ConnectionMultiplexer.ConnectAsync(RedisConfig(port));
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                await redis.GetDatabase().PingAsync();
                return (redis, port);
            }
            catch (Exception e) when (e is RedisException or TimeoutException && Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(30) && !processes.AnyExited)
            {
                await Task.Delay(100); // still starting; there is no event to await
            }
        }
    }

    // ---------------------------------------------------------------- etcd

    private async Task EtcdAsync(string etcd, string dir, int[] publisherCounts, int subscribers, List<double> modes, TimeSpan duration,
        List<PublishRow> publishRows, List<DeliveryRow> deliveryRows)
    {
        using var processes = new BenchProcesses(dir);
        var clientPort = BenchSupport.FreePorts(1)[0];
        var peerPort = BenchSupport.FreePorts(1)[0];
        processes.Start("etcd", etcd,
        [
            "--name", "e1",
            "--data-dir", Path.Combine(dir, "e1"),
            "--listen-client-urls", $"http://127.0.0.1:{clientPort}",
            "--advertise-client-urls", $"http://127.0.0.1:{clientPort}",
            "--listen-peer-urls", $"http://127.0.0.1:{peerPort}",
            "--initial-advertise-peer-urls", $"http://127.0.0.1:{peerPort}",
            "--initial-cluster", $"e1=http://127.0.0.1:{peerPort}",
            "--initial-cluster-state", "new",
            "--log-level", "warn",
        ], dir);
        var baseAddress = new Uri($"http://127.0.0.1:{clientPort}/");
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var watchHttp = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan }) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        try
        {
            Console.WriteLine();
            await WaitEtcdHealthyAsync(http, processes, TimeSpan.FromSeconds(60));
            Console.WriteLine($"etcd ({etcd}, one member on loopback, default fsync): publish = PUT under a key prefix through its JSON gateway (POST /v3/kv/put); " +
                              "subscribe = a watch on the prefix (POST /v3/watch, streamed JSON); a revision is global and gap-free, so it is checked like a seq");
            Func<int, string[], long, string, Task<long>> put = (w, prefixes, clientSeq, payload) =>
                EtcdPutAsync(http, $"{prefixes[w % prefixes.Length]}p{w}/{clientSeq}", payload);
            await RunPublishersAsync(16, TimeSpan.FromSeconds(Math.Min(3, duration.TotalSeconds)), 0, false, ["/warm/"], put);
            _firstError = null;
            Console.WriteLine("(a) etcd PUT /bcast/pub<N>/p<publisher>/<clientSeq> (a new key each time; no watchers), closed loop");
            PrintPublishHeader();
            foreach (var c in publisherCounts)
                publishRows.Add(PrintPublishRow("etcd", 1, await RunPublishersAsync(c, duration, 0, false, [$"/bcast/pub{c}/"], put), ""));
            var prefixes = Enumerable.Range(0, SpreadTopics).Select(t => $"/bcast/pub8-{t}/").ToArray();
            publishRows.Add(PrintPublishRow("etcd", SpreadTopics, await RunPublishersAsync(SpreadPublishers, duration, 0, false, prefixes, put),
                $"publisher w under prefix /bcast/pub8-(w mod {SpreadTopics})/"));

            foreach (var rate in modes)
            {
                var prefix = $"/bcast/e2e-{(rate > 0 ? "paced" : "closed")}/";
                Console.WriteLine();
                Console.WriteLine($"(b) etcd end to end: {subscribers} watches on {prefix} (one HTTP stream each), {EndToEndPublishers} publishers {Mode(rate)}");
                var receivers = Enumerable.Range(0, subscribers).Select(_ => new Receiver()).ToArray();
                using var stop = new CancellationTokenSource();
                var created = Enumerable.Range(0, subscribers).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
                var tasks = Enumerable.Range(0, subscribers).Select(i => Task.Run(() => WatchAsync(watchHttp, prefix, receivers[i], created[i], stop.Token))).ToArray();
                var all = Task.WhenAll(created.Select(c => c.Task));
                if (await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(30))) != all) throw new TimeoutException("not every etcd watch was created within 30 s");
                var primerRevision = await EtcdPutAsync(http, prefix + "primer", "primer");
                await WaitForAsync(receivers, r => r.Count >= 1, TimeSpan.FromSeconds(30), "every watch to see the primer");
                var pub = await RunPublishersAsync(EndToEndPublishers, duration, rate, true, [prefix],
                    (w, p, clientSeq, payload) => EtcdPutAsync(http, $"{p[0]}p{w}/{clientSeq}", payload));
                var last = pub.MaxSeq;
                var drained = await TryWaitForAsync(receivers, r => Volatile.Read(ref r.LastSeqField) >= last, DrainTimeout);
                await stop.CancelAsync();
                await Task.WhenAll(tasks);
                var violations = Verify(receivers, hasSeq: true, expectFirstSeq: primerRevision, pub.Acks, orderedIds: true);
                if (!drained) violations.Insert(0, $"not every watch reached revision {last} within {DrainTimeout.TotalSeconds:0} s after the publishers stopped");
                var row = MakeDeliveryRow("etcd", rate, subscribers, pub, receivers, skipFirst: 1, violations, "seq = mod_revision");
                PrintDeliveryRow(row);
                deliveryRows.Add(row);
            }
        }
        catch (Exception e) when (e is TimeoutException or HttpRequestException or JsonException or InvalidDataException or FormatException)
        {
            Console.Error.WriteLine($"etcd comparison failed: {e.Message}");
            processes.DumpLogs(10, withPath: false);
        }
    }

    private static async Task<long> EtcdPutAsync(HttpClient http, string key, string value)
    {
        var body = new { key = Convert.ToBase64String(Encoding.UTF8.GetBytes(key)), value = Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) };
        using var response = await http.PostAsJsonAsync("v3/kv/put", body).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"etcd answered {(int)response.StatusCode} to a put");
        using var doc = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync().ConfigureAwait(false)).ConfigureAwait(false);
        return long.Parse(doc.RootElement.GetProperty("header").GetProperty("revision").GetString()!, CultureInfo.InvariantCulture);
    }

    /// <summary>One watch on <paramref name="prefix"/> through the gateway: every event's value and mod_revision, until cancelled.</summary>
    private static async Task WatchAsync(HttpClient http, string prefix, Receiver r, TaskCompletionSource created, CancellationToken ct)
    {
        var key = Encoding.UTF8.GetBytes(prefix);
        var end = (byte[])key.Clone();
        end[^1]++;
        var body = new { create_request = new { key = Convert.ToBase64String(key), range_end = Convert.ToBase64String(end) } };
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v3/watch") { Content = JsonContent.Create(body) };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) throw new HttpRequestException($"etcd answered {(int)response.StatusCode} to a watch");
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false));
            while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
            {
                var now = Stopwatch.GetTimestamp();
                if (line.Length == 0) continue;
                using var doc = JsonDocument.Parse(line);
                if (!doc.RootElement.TryGetProperty("result", out var result)) throw new InvalidDataException("a watch response without a result: " + line);
                if (result.TryGetProperty("created", out var c) && c.GetBoolean()) created.TrySetResult();
                if (!result.TryGetProperty("events", out var events)) continue;
                foreach (var ev in events.EnumerateArray())
                {
                    var kv = ev.GetProperty("kv");
                    var value = kv.TryGetProperty("value", out var v) ? Encoding.UTF8.GetString(Convert.FromBase64String(v.GetString()!)) : "";
                    r.Add(now, value, long.Parse(kv.GetProperty("mod_revision").GetString()!, CultureInfo.InvariantCulture));
                }
            }
            r.Error ??= "the watch stream ended";
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException or InvalidDataException or FormatException or KeyNotFoundException)
        {
            r.Error = $"{e.GetType().Name}: {e.Message}";
        }
        finally
        {
            created.TrySetResult();
        }
    }

    private static async Task WaitEtcdHealthyAsync(HttpClient http, BenchProcesses processes, TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < timeout)
        {
            try
            {
                if ((await http.GetStringAsync("health")).Contains("\"true\"", StringComparison.Ordinal)) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not up yet
            }
            if (processes.AnyExited) throw new TimeoutException("etcd exited at startup");
            await Task.Delay(100);
        }
        throw new TimeoutException($"etcd not healthy within {timeout.TotalSeconds:0} s");
    }

    // ---------------------------------------------------------------- publishers, receivers, checks

    /// <summary>
    /// <paramref name="publishers"/> publishers for <paramref name="duration"/>: closed loop when <paramref name="rate"/>
    /// is 0, else each sends at its share of <paramref name="rate"/> msg/s (evenly staggered; a late one sends at once).
    /// <paramref name="publish"/>(publisher, targets, clientSeq, payload) answers the seq (or revision) the message got.
    /// The rate is over the time until the last publisher stopped.
    /// </summary>
    private async Task<PublishRun> RunPublishersAsync(int publishers, TimeSpan duration, double rate, bool keepAcks, string[] targets,
        Func<int, string[], long, string, Task<long>> publish)
    {
        var latencies = new List<double>[publishers];
        var errors = new long[publishers];
        var acks = new List<(long Id, long Seq)>[publishers];
        var maxSeq = new long[publishers];
        var started = Stopwatch.GetTimestamp();
        var end = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var interval = rate > 0 ? publishers / rate * Stopwatch.Frequency : 0;
        var workers = new Task[publishers];
        for (var w = 0; w < publishers; w++)
        {
            var worker = w;
            var mine = latencies[worker] = new List<double>(64 * 1024);
            var myAcks = acks[worker] = keepAcks ? new List<(long, long)>(16 * 1024) : [];
            workers[worker] = Task.Run(async () =>
            {
                long clientSeq = 0;
                for (long k = 0; ; k++)
                {
                    if (interval > 0)
                    {
                        var due = started + (long)((k + (double)worker / publishers) * interval);
                        if (due >= end) break;
                        var wait = due - Stopwatch.GetTimestamp();
                        if (wait > 0) await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency)).ConfigureAwait(false);
                    }
                    var t0 = Stopwatch.GetTimestamp();
                    if (t0 >= end) break;
                    clientSeq++;
                    try
                    {
                        var seq = await publish(worker, targets, clientSeq, Payload(t0, worker, clientSeq)).ConfigureAwait(false);
                        mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                        if (keepAcks) myAcks.Add((Id(worker, clientSeq), seq));
                        if (seq > maxSeq[worker]) maxSeq[worker] = seq;
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
        var result = new BenchSupport.ClosedLoopResult(publishers, all.Length, errors.Sum(), elapsed,
            BenchSupport.Percentile(all, 0.50), BenchSupport.Percentile(all, 0.95), BenchSupport.Percentile(all, 0.99));
        var firstError = Interlocked.Exchange(ref _firstError, null);
        return new PublishRun(result, keepAcks ? acks.SelectMany(a => a).ToList() : [], maxSeq.Max(), firstError);
    }

    /// <summary>A 64-byte payload: send timestamp (16 hex digits), publisher, clientSeq, padding.</summary>
    private static string Payload(long timestamp, int publisher, long clientSeq)
    {
        var head = string.Create(CultureInfo.InvariantCulture, $"{timestamp:x16}:{publisher}:{clientSeq}:");
        return head.Length >= PayloadBytes ? head : head + new string('x', PayloadBytes - head.Length);
    }

    /// <summary>(send timestamp, identity) of a payload written by <see cref="Payload"/>; false for anything else (the primer).</summary>
    private static bool TryParsePayload(string payload, out long sent, out long id)
    {
        sent = 0;
        id = 0;
        var parts = payload.Split(':');
        if (parts.Length < 4 || parts[0].Length != 16) return false;
        if (!long.TryParse(parts[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out sent)) return false;
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var publisher)) return false;
        if (!long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var clientSeq)) return false;
        id = Id(publisher, clientSeq);
        return true;
    }

    private static long Id(int publisher, long clientSeq) => ((long)publisher << 40) | clientSeq;

    private static string IdText(long id) => $"p{id >> 40}#{id & ((1L << 40) - 1)}";

    /// <summary>What one subscriber received, in order: identity (-1 for the primer), seq (0 without), latency.</summary>
    private sealed class Receiver
    {
        public readonly List<long> Ids = new(64 * 1024);
        public readonly List<long> Seqs = new(64 * 1024);
        public readonly List<double> LatencyMs = new(64 * 1024);
        public long LastSeqField;
        public long CountField;
        public string? Error;

        public long LastSeq => Volatile.Read(ref LastSeqField);

        public long Count => Volatile.Read(ref CountField);

        /// <summary>Called on the subscriber's own thread only, one message at a time.</summary>
        public void Add(long now, string payload, long seq)
        {
            if (TryParsePayload(payload, out var sent, out var id))
            {
                Ids.Add(id);
                LatencyMs.Add((now - sent) * 1000.0 / Stopwatch.Frequency);
            }
            else
            {
                Ids.Add(-1);
            }
            Seqs.Add(seq);
            Volatile.Write(ref LastSeqField, seq);
            Volatile.Write(ref CountField, CountField + 1);
        }
    }

    /// <summary>
    /// Each subscriber's sequence: with seqs, consecutive from <paramref name="expectFirstSeq"/>; no identity twice; the
    /// same identities in the same order as subscriber 0's (for Redis too: one server delivers in one order); every
    /// acknowledged publish present (with seqs: at its acknowledged seq). Up to a few violations are spelled out.
    /// </summary>
    private static List<string> Verify(Receiver[] receivers, bool hasSeq, long expectFirstSeq, List<(long Id, long Seq)> acks, bool orderedIds)
    {
        var violations = new List<string>();
        long gaps = 0, duplicates = 0, idDuplicates = 0, reordered = 0, differing = 0;
        for (var i = 0; i < receivers.Length; i++)
        {
            var r = receivers[i];
            if (r.Error is { } error) violations.Add($"subscriber {i}: {error}");
            if (hasSeq && r.Seqs.Count > 0 && r.Seqs[0] != expectFirstSeq)
                violations.Add($"subscriber {i}: first seq {r.Seqs[0]}, expected {expectFirstSeq}");
            for (var k = 1; hasSeq && k < r.Seqs.Count; k++)
            {
                var (prev, seq) = (r.Seqs[k - 1], r.Seqs[k]);
                if (seq == prev + 1) continue;
                if (seq == prev) duplicates++;
                else if (seq < prev) reordered++;
                else gaps++;
                if (gaps + duplicates + reordered <= 5) violations.Add($"subscriber {i}: seq {seq} after {prev}");
            }
            var seen = new HashSet<long>(r.Ids.Count);
            foreach (var id in r.Ids)
            {
                if (id >= 0 && !seen.Add(id) && ++idDuplicates <= 5) violations.Add($"subscriber {i}: {IdText(id)} received twice");
            }
        }
        var reference = receivers[0];
        for (var i = 1; i < receivers.Length; i++)
        {
            var r = receivers[i];
            var n = Math.Min(r.Ids.Count, reference.Ids.Count);
            var k = 0;
            while (k < n && r.Ids[k] == reference.Ids[k] && (!hasSeq || r.Seqs[k] == reference.Seqs[k])) k++;
            if (k == n && r.Ids.Count == reference.Ids.Count) continue;
            differing++;
            if (differing <= 5)
                violations.Add(k < n
                    ? $"subscriber {i} differs from subscriber 0 at position {k}: {Show(r, k)} vs {Show(reference, k)}"
                    : $"subscriber {i} received {r.Ids.Count:N0} messages, subscriber 0 {reference.Ids.Count:N0} (identical up to the shorter)");
        }
        long missing = 0, misplaced = 0;
        var position = new Dictionary<long, int>(reference.Ids.Count);
        for (var k = 0; k < reference.Ids.Count; k++) position.TryAdd(reference.Ids[k], k);
        foreach (var (id, seq) in acks)
        {
            if (!position.TryGetValue(id, out var k))
            {
                if (++missing <= 5) violations.Add($"acknowledged {IdText(id)} (seq {seq}) never reached subscriber 0");
            }
            else if (hasSeq && orderedIds && reference.Seqs[k] != seq && ++misplaced <= 5)
            {
                violations.Add($"acknowledged {IdText(id)} with seq {seq} reached subscriber 0 as seq {reference.Seqs[k]}");
            }
        }
        if (gaps + duplicates + idDuplicates + reordered + differing + missing + misplaced > 0)
            violations.Add($"counts: {gaps} gaps, {duplicates} repeated seqs, {idDuplicates} messages received twice, {reordered} out of order, {differing} subscribers differing from subscriber 0, " +
                           $"{missing} acknowledged publishes missing, {misplaced} at another seq");
        return violations;
    }

    private static string Show(Receiver r, int k) => r.Seqs[k] != 0 ? $"seq {r.Seqs[k]} {IdText(r.Ids[k])}" : IdText(r.Ids[k]);

    private static async Task WaitForAsync(Receiver[] receivers, Func<Receiver, bool> done, TimeSpan timeout, string what)
    {
        if (!await TryWaitForAsync(receivers, done, timeout))
        {
            var first = receivers.Select((r, i) => (r, i)).First(x => !done(x.r));
            throw new TimeoutException($"waited {timeout.TotalSeconds:0} s for {what}; subscriber {first.i} has {first.r.Count} messages" +
                                       (first.r.Error is { } e ? $" ({e})" : ""));
        }
    }

    private static async Task<bool> TryWaitForAsync(Receiver[] receivers, Func<Receiver, bool> done, TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        while (!receivers.All(done))
        {
            if (Stopwatch.GetElapsedTime(started) > timeout || receivers.Any(r => r.Error is not null && !done(r))) return false;
            await Task.Delay(20);
        }
        return true;
    }

    private static void InterlockedMin(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value < current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current) return;
            current = seen;
        }
    }

    private static bool IsError(Exception e) =>
        e is DistSyncApiException or NodeUnreachableException or HttpRequestException or TaskCanceledException or JsonException
            or RedisException or TimeoutException or FormatException or KeyNotFoundException;

    /// <summary>Whether <paramref name="e"/> counts as a failed publish; the first such of a run is kept to print.</summary>
    private bool Noted(Exception e)
    {
        if (!IsError(e)) return false;
        Interlocked.CompareExchange(ref _firstError, $"{e.GetType().Name}: {e.Message}", null);
        return true;
    }

    // ---------------------------------------------------------------- rows and tables

    private sealed record PublishRun(BenchSupport.ClosedLoopResult Result, List<(long Id, long Seq)> Acks, long MaxSeq, string? FirstError)
    {
        public long Acked => Result.Ops;
    }

    private sealed record PublishRow(string System, int Topics, BenchSupport.ClosedLoopResult Result, string Note);

    private sealed record DeliveryRow(string System, double Rate, int Publishers, int Subscribers, long Published, double PublishedPerSecond, long PublishErrors,
        long Delivered, long Expected, double P50, double P99, double Max, List<string> Violations, string Note);

    private static DeliveryRow MakeDeliveryRow(string system, double rate, int subscribers, PublishRun pub, Receiver[] receivers, int skipFirst,
        List<string> violations, string note)
    {
        var all = receivers.SelectMany(r => r.LatencyMs).ToArray();
        Array.Sort(all);
        var delivered = receivers.Sum(r => (long)Math.Max(0, r.Ids.Count - skipFirst));
        return new DeliveryRow(system, rate, pub.Result.Clients, subscribers, pub.Acked, pub.Result.PerSecond, pub.Result.Errors, delivered,
            pub.Acked * subscribers, BenchSupport.Percentile(all, 0.50), BenchSupport.Percentile(all, 0.99), all.Length == 0 ? double.NaN : all[^1],
            violations, note + (pub.FirstError is { } e ? $"; first publish error: {e}" : ""));
    }

    private static void PrintPublishHeader() =>
        Console.WriteLine($"{"publishers",10} {"topics",6} {"msg/s",10} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"errors",7}  notes");

    private static PublishRow PrintPublishRow(string system, int topics, PublishRun run, string note)
    {
        var r = run.Result;
        Console.WriteLine($"{r.Clients,10} {topics,6} {N0(r.PerSecond),10} {r.P50,8:0.00} {r.P95,8:0.00} {r.P99,8:0.00} {r.Errors,7}  {note}");
        if (run.FirstError is { } e) Console.WriteLine($"{"",10} first error: {e}");
        return new PublishRow(system, topics, r, note);
    }

    private static void PrintDeliveryRow(DeliveryRow r)
    {
        Console.WriteLine($"  published {r.Published:N0} ({N0(r.PublishedPerSecond)} msg/s, {r.PublishErrors} errors); delivered {r.Delivered:N0} of {r.Expected:N0} expected " +
                          $"(published x {r.Subscribers}); delivery latency p50 {r.P50:0.00} ms, p99 {r.P99:0.00} ms, max {r.Max:0.00} ms");
        if (r.Note.Length > 0) Console.WriteLine($"  {r.Note}");
        Console.WriteLine(r.Violations.Count == 0
            ? r.System == "Redis"
                ? "  order check: every subscriber got every published message once, all in the same order (Redis has no seq, so no gap check)"
                : "  order check: every subscriber saw the same gap-free, duplicate-free sequence, every acknowledged publish at its seq"
            : $"  order check: {r.Violations.Count} VIOLATIONS");
        foreach (var v in r.Violations.Take(12)) Console.WriteLine($"    {v}");
    }

    private static void PrintSummary(List<PublishRow> publishRows, List<DeliveryRow> deliveryRows, int subscribers, string loadAtStart)
    {
        Console.WriteLine();
        Console.WriteLine("summary: publish throughput (closed loop; DistSync = 201 after commit in the 3-node meta group, fsync on; Redis = PUBLISH, in memory;");
        Console.WriteLine("etcd = PUT through the JSON gateway, one member, fsync on)");
        Console.WriteLine($"{"system",-9} {"publishers",10} {"topics",6} {"msg/s",10} {"p50 ms",8} {"p99 ms",8} {"errors",7}");
        foreach (var r in publishRows.OrderBy(r => r.Topics).ThenBy(r => r.Result.Clients).ThenBy(r => SystemOrder(r.System)))
            Console.WriteLine($"{r.System,-9} {r.Result.Clients,10} {r.Topics,6} {N0(r.Result.PerSecond),10} {r.Result.P50,8:0.00} {r.Result.P99,8:0.00} {r.Result.Errors,7}");

        Console.WriteLine();
        Console.WriteLine($"summary: end-to-end delivery to {subscribers} subscribers (receive time - send time in the payload, one process's Stopwatch; over all deliveries)");
        Console.WriteLine($"{"system",-9} {"publishers",-18} {"published",10} {"msg/s",8} {"delivered",12} {"expected",12} {"p50 ms",8} {"p99 ms",8} {"max ms",8}  order check");
        foreach (var r in deliveryRows.OrderBy(r => r.Rate).ThenBy(r => SystemOrder(r.System)))
        {
            var check = r.Violations.Count == 0 ? (r.System == "Redis" ? "ok (no seq: same order, no dups)" : "ok: identical, gap-free, no dups") : $"{r.Violations.Count} VIOLATIONS";
            Console.WriteLine($"{r.System,-9} {PublisherText(r),-18} {r.Published,10:N0} {N0(r.PublishedPerSecond),8} {r.Delivered,12:N0} {r.Expected,12:N0} " +
                              $"{r.P50,8:0.00} {r.P99,8:0.00} {r.Max,8:0.00}  {check}");
        }
        Console.WriteLine("Redis pub/sub is neither durable (a subscriber not connected at the time misses the message for good) nor ordered across publishers");
        Console.WriteLine("(no seq; a subscriber cannot resume or detect a gap); DistSync's topics are committed to the Raft log, totally ordered and resumable.");

        Console.WriteLine();
        var at64 = publishRows.FirstOrDefault(r => r.System == "DistSync" && r.Topics == 1 && r.Result.Clients == SpreadPublishers);
        var spread = publishRows.FirstOrDefault(r => r.System == "DistSync" && r.Topics == SpreadTopics);
        if (at64 is not null)
            Console.WriteLine($"target: >= {TargetPublishRate:N0} published msg/s at 64 publishers (one topic): {N0(at64.Result.PerSecond)} ({Met(at64.Result.PerSecond >= TargetPublishRate)})" +
                              (spread is null ? "" : $"; over {SpreadTopics} topics: {N0(spread.Result.PerSecond)} ({Met(spread.Result.PerSecond >= TargetPublishRate)})"));
        else
            Console.WriteLine("target: >= 10,000 published msg/s at 64 publishers: not measured (64 not among --clients)" +
                              (spread is null ? "" : $"; over {SpreadTopics} topics: {N0(spread.Result.PerSecond)} ({Met(spread.Result.PerSecond >= TargetPublishRate)})"));
        foreach (var r in deliveryRows.Where(r => r.System == "DistSync"))
            Console.WriteLine($"target: delivery p99 < {TargetDeliveryP99Ms:0} ms with {r.Subscribers} subscribers, {PublisherText(r)}: {r.P99:0.00} ms ({Met(r.P99 < TargetDeliveryP99Ms)}); " +
                              $"order check {(r.Violations.Count == 0 ? "clean" : $"{r.Violations.Count} VIOLATIONS")}");
        Console.WriteLine($"load average at start {loadAtStart}, at end {LoadAverage()} (a shared {Environment.ProcessorCount}-core machine: the bench, 3 nodes and the references share it)");
    }

    private static string PublisherText(DeliveryRow r) => r.Rate > 0 ? $"{r.Publishers}, paced {N0(r.Rate)}/s" : $"{r.Publishers}, closed loop";

    private static string Mode(double rate) => rate > 0 ? $"paced to {N0(rate)} msg/s in all" : "closed loop";

    private static int SystemOrder(string system) => system switch { "DistSync" => 0, "Redis" => 1, _ => 2 };

    private static string Met(bool met) => met ? "met" : "NOT met";

    private static string N0(double v) => double.IsFinite(v) ? v.ToString("N0", CultureInfo.InvariantCulture) : "-";

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

    /// <summary>
    /// Per node: a DistSyncClient for publishing over one pooled SocketsHttpHandler, and one for subscribing over another
    /// (no overall timeout: a stream lives for the run; each SSE stream takes its own connection).
    /// </summary>
    private sealed class Nodes : IDisposable
    {
        private readonly HttpClient[] _http;
        private readonly DistSyncClient[] _publish;
        private readonly DistSyncClient[] _subscribe;

        public Nodes(NodeCluster cluster)
        {
            var nodes = Enumerable.Range(0, cluster.HttpPorts.Count).ToArray();
            var publish = nodes.Select(i => cluster.Http(i, TimeSpan.FromSeconds(30))).ToArray();
            var subscribe = nodes.Select(i => cluster.Http(i, Timeout.InfiniteTimeSpan)).ToArray();
            _http = [.. publish, .. subscribe];
            _publish = publish.Select(h => new DistSyncClient(h)).ToArray();
            _subscribe = subscribe.Select(h => new DistSyncClient(h)).ToArray();
        }

        public DistSyncClient this[int node] => _publish[node];

        public DistSyncClient Subscriber(int node) => _subscribe[node];

        public void Dispose()
        {
            foreach (var c in _publish.Concat(_subscribe)) c.Dispose();
            foreach (var h in _http) h.Dispose();
        }
    }
}
