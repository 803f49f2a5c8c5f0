using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using DistSync.Client;

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
        var seconds = 10.0;
        var clientCounts = new[] { 1, 16, 64 };
        var nodeDll = Environment.GetEnvironmentVariable("DSYNC_NODE_DLL") is { Length: > 0 } env ? Path.GetFullPath(env) : null;
        var etcdWanted = true;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--seconds" when value is not null: seconds = double.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--clients" when value is not null: clientCounts = value.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray(); i++; break;
                case "--node-dll" when value is not null: nodeDll = Path.GetFullPath(value); i++; break;
                case "--no-etcd": etcdWanted = false; break;
                default:
                    Console.Error.WriteLine($"locks: unknown or incomplete argument '{args[i]}'");
                    return 2;
            }
        }
        if (seconds <= 0 || clientCounts.Any(c => c < 1))
        {
            Console.Error.WriteLine("locks: --seconds must be positive and every client count at least 1");
            return 2;
        }

        var root = RepositoryRoot();
        if (root is null)
        {
            Console.Error.WriteLine("locks: run from the repository (no hocon/dsync.conf found above the working directory)");
            return 2;
        }
        nodeDll ??= await BuildNodeAsync(root);
        if (nodeDll is null) return 1;

        var work = Path.Combine(Path.GetTempPath(), "dsync-locksbench-" + Guid.NewGuid().ToString("N")[..8]);
        var ours = new List<Row>();
        Console.WriteLine($"locks bench: 3 node processes ({nodeDll}), work dir {work}, {seconds:0.#} s per run, {Environment.ProcessorCount} cores");
        using (var cluster = new Processes(work))
        {
            var http = FreePorts(3);
            var remote = FreePorts(3);
            var founders = string.Join(",", remote.Select((p, j) => $"n{j + 1}@127.0.0.1:{p}"));
            for (var i = 0; i < 3; i++)
            {
                cluster.Start($"n{i + 1}", "dotnet",
                [
                    nodeDll, "--config", "hocon/dsync.conf",
                    "--set", $"dsync.node.id=n{i + 1}",
                    "--set", $"dsync.node.data-dir={Path.Combine(work, $"n{i + 1}")}",
                    "--set", $"dsync.http.port={http[i]}",
                    "--set", $"dsync.remote.port={remote[i]}",
                    "--set", $"dsync.cluster.seeds={string.Join(",", remote.Where((_, j) => j != i).Select(p => $"127.0.0.1:{p}"))}",
                    "--set", $"dsync.cluster.initial-members={founders}",
                    "--set", "dsync.log.level=warning",
                ], root);
            }
            var clients = http.Select(p => new DistSyncClient($"127.0.0.1:{p}", TimeSpan.FromSeconds(30))).ToArray();
            try
            {
                await WaitForLeaderAsync(clients, cluster, TimeSpan.FromSeconds(60));
                await RunDistSyncAsync(clients, clientCounts, seconds, ours);
            }
            catch (TimeoutException e)
            {
                Console.Error.WriteLine($"locks: {e.Message}");
                cluster.DumpLogs();
                return 1;
            }
            finally
            {
                foreach (var c in clients) c.Dispose();
            }
        }

        var etcd = FindOnPath("etcd");
        if (!etcdWanted) Console.WriteLine("etcd comparison: not run (--no-etcd)");
        else if (etcd is null) Console.WriteLine("etcd comparison: not run (no etcd on PATH)");
        else await CompareWithEtcdAsync(etcd, work, clientCounts, seconds, ours);
        TryDelete(work);
        return 0;
    }

    private sealed record Row(int Clients, long Ops, long Errors, double Seconds, double P50, double P95, double P99)
    {
        public double PerSecond => Ops / Seconds;
    }

    private static void PrintHeader(string what) =>
        Console.WriteLine($"{"clients",8} {what,12} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"errors",7}");

    private static void PrintRow(Row r) =>
        Console.WriteLine($"{r.Clients,8} {r.PerSecond,12:N0} {r.P50,8:0.00} {r.P95,8:0.00} {r.P99,8:0.00} {r.Errors,7}");

    private static async Task RunDistSyncAsync(DistSyncClient[] nodes, int[] clientCounts, double seconds, List<Row> ours)
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
    private static Task<Row> DriveAsync(int clients, TimeSpan duration, Func<int, Task> cycle) =>
        DriveAsync(clients, duration, async w =>
        {
            await cycle(w).ConfigureAwait(false);
            return null;
        });

    /// <summary>Closed-loop workers; the latency of the measured part, then the untimed rest (if any).</summary>
    private static async Task<Row> DriveAsync(int clients, TimeSpan duration, Func<int, Task<Func<Task<bool>>?>> measured)
    {
        var latencies = new List<double>[clients];
        var errors = new long[clients];
        using var stop = new CancellationTokenSource(duration);
        var started = Stopwatch.GetTimestamp();
        var workers = new Task[clients];
        for (var w = 0; w < clients; w++)
        {
            var worker = w;
            latencies[worker] = new List<double>(64 * 1024);
            workers[worker] = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    try
                    {
                        var rest = await measured(worker).ConfigureAwait(false);
                        latencies[worker].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                        if (rest is not null) await rest().ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is DistSyncApiException or NodeUnreachableException or HttpRequestException or TaskCanceledException or InvalidOperationException)
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
        return new Row(clients, all.Length, errors.Sum(), elapsed, Percentile(all, 0.50), Percentile(all, 0.95), Percentile(all, 0.99));
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static async Task WaitForLeaderAsync(DistSyncClient[] clients, Processes processes, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            try
            {
                var leaders = new string?[clients.Length];
                for (var i = 0; i < clients.Length; i++) leaders[i] = (await clients[i].GetStatusAsync()).Leader;
                if (leaders[0] is { } l && leaders.All(x => x == l)) return;
            }
            catch (Exception e) when (e is NodeUnreachableException or DistSyncApiException)
            {
                // still starting
            }
            if (processes.AnyExited) throw new TimeoutException("a node process exited at startup");
            await Task.Delay(100);
        }
        throw new TimeoutException($"no leader agreed on within {timeout.TotalSeconds:0} s");
    }

    private static async Task CompareWithEtcdAsync(string etcd, string work, int[] clientCounts, double seconds, List<Row> ours)
    {
        Console.WriteLine();
        Console.WriteLine($"etcd ({etcd}), 3 members on loopback (default fsync), JSON gateway: lease per client; cycle = txn create-if-absent with lease + delete");
        var dir = Path.Combine(work, "etcd");
        using var processes = new Processes(dir);
        var clientPorts = FreePorts(3);
        var peerPorts = FreePorts(3);
        var initial = string.Join(",", peerPorts.Select((p, i) => $"e{i + 1}=http://127.0.0.1:{p}"));
        for (var i = 0; i < 3; i++)
        {
            processes.Start($"e{i + 1}", etcd,
            [
                "--name", $"e{i + 1}", "--data-dir", Path.Combine(dir, $"e{i + 1}"),
                "--listen-client-urls", $"http://127.0.0.1:{clientPorts[i]}", "--advertise-client-urls", $"http://127.0.0.1:{clientPorts[i]}",
                "--listen-peer-urls", $"http://127.0.0.1:{peerPorts[i]}", "--initial-advertise-peer-urls", $"http://127.0.0.1:{peerPorts[i]}",
                "--initial-cluster", initial, "--initial-cluster-state", "new", "--initial-cluster-token", "dsync-locksbench", "--log-level", "warn",
            ], dir);
        }
        var http = clientPorts.Select(p => new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{p}/"), Timeout = TimeSpan.FromSeconds(10) }).ToArray();
        try
        {
            await WaitEtcdHealthyAsync(http, processes, TimeSpan.FromSeconds(60));
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
                var mine = ours.FirstOrDefault(x => x.Clients == c);
                if (mine is not null && row.PerSecond > 0)
                    Console.WriteLine($"{"",8} DistSync / etcd cycles ratio at {c} clients: {mine.PerSecond / row.PerSecond:0.00}; p99 ratio {mine.P99 / row.P99:0.00}");
            }
        }
        catch (Exception e) when (e is TimeoutException or HttpRequestException or JsonException)
        {
            Console.Error.WriteLine($"etcd comparison failed: {e.Message}");
            processes.DumpLogs();
        }
        finally
        {
            foreach (var h in http) h.Dispose();
        }
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

    private static async Task WaitEtcdHealthyAsync(HttpClient[] clients, Processes processes, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var healthy = 0;
            foreach (var c in clients)
            {
                try
                {
                    if ((await c.GetStringAsync("health")).Contains("\"true\"", StringComparison.Ordinal)) healthy++;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // not up yet
                }
            }
            if (healthy == clients.Length) return;
            if (processes.AnyExited) throw new TimeoutException("an etcd member exited at startup");
            await Task.Delay(100);
        }
        throw new TimeoutException($"etcd not healthy within {timeout.TotalSeconds:0} s");
    }

    private static async Task<string?> BuildNodeAsync(string root)
    {
        var artifacts = Path.Combine(Path.GetTempPath(), "dsync-locksbench-build");
        Console.WriteLine($"building DistSync.Node (Release) into {artifacts} ...");
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "build", "src/DistSync.Node/DistSync.Node.csproj", "-c", "Release", "--artifacts-path", artifacts, "-nologo", "-v", "q" })
            info.ArgumentList.Add(a);
        using var build = Process.Start(info)!;
        var stdout = build.StandardOutput.ReadToEndAsync();
        var stderr = build.StandardError.ReadToEndAsync();
        await build.WaitForExitAsync();
        var dll = Path.Combine(artifacts, "bin", "DistSync.Node", "release", "DistSync.Node.dll");
        if (build.ExitCode == 0 && File.Exists(dll)) return dll;
        Console.Error.WriteLine($"locks: building DistSync.Node failed (exit {build.ExitCode}):\n{await stdout}{await stderr}");
        return null;
    }

    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "hocon", "dsync.conf"))) return dir.FullName;
        }
        return null;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        foreach (var l in listeners) l.Start();
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (var l in listeners) l.Stop();
        return ports;
    }

    private static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS to clean
        }
    }

    /// <summary>Named child processes logging to files in one directory; all killed (with their trees) on dispose.</summary>
    private sealed class Processes : IDisposable
    {
        private readonly string _dir;
        private readonly List<(string Name, Process Process, StreamWriter Log)> _children = [];

        public Processes(string dir)
        {
            _dir = dir;
            Directory.CreateDirectory(dir);
        }

        public bool AnyExited => _children.Any(c => c.Process.HasExited);

        public void Start(string name, string file, IEnumerable<string> args, string workingDirectory)
        {
            var log = new StreamWriter(Path.Combine(_dir, name + ".log"), append: true) { AutoFlush = true };
            var info = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args) info.ArgumentList.Add(a);
            var process = new Process { StartInfo = info };
            process.OutputDataReceived += (_, e) => Append(log, e.Data);
            process.ErrorDataReceived += (_, e) => Append(log, e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _children.Add((name, process, log));
        }

        public void DumpLogs()
        {
            foreach (var (name, _, _) in _children)
            {
                var file = Path.Combine(_dir, name + ".log");
                Console.Error.WriteLine($"--- {name} ({file}), last lines:");
                foreach (var line in File.ReadLines(file).TakeLast(15)) Console.Error.WriteLine(line);
            }
        }

        private static void Append(StreamWriter log, string? line)
        {
            if (line is null) return;
            lock (log) log.WriteLine(line);
        }

        public void Dispose()
        {
            foreach (var (_, process, log) in _children)
            {
                try
                {
                    if (!process.HasExited) process.Kill(entireProcessTree: true);
                    process.WaitForExit(30_000);
                }
                catch (InvalidOperationException)
                {
                    // never started or already gone
                }
                process.Dispose();
                lock (log) log.Dispose();
            }
        }
    }
}
