using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using DistSync.Client;

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
        var seconds = 10.0;
        var clientCounts = new[] { 1, 16, 64 };
        var trials = 10;
        var nodeDll = Environment.GetEnvironmentVariable("DSYNC_NODE_DLL") is { Length: > 0 } fromEnv ? Path.GetFullPath(fromEnv) : null;
        var sets = new List<string>();
        var etcdWanted = true;
        var leaderOnly = false;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--seconds" when value is not null: seconds = double.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--clients" when value is not null: clientCounts = value.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray(); i++; break;
                case "--trials" when value is not null: trials = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--node-dll" when value is not null: nodeDll = Path.GetFullPath(value); i++; break;
                case "--set" when value is not null: sets.Add(value); i++; break;
                case "--quick": seconds = 3; trials = 5; break;
                case "--no-etcd": etcdWanted = false; break;
                case "--leader-only": leaderOnly = true; break;
                default:
                    Console.Error.WriteLine($"kv: unknown or incomplete argument '{args[i]}'");
                    return 2;
            }
        }
        if (seconds <= 0 || trials < 1 || clientCounts.Any(c => c < 1))
        {
            Console.Error.WriteLine("kv: --seconds must be positive, --trials and every client count at least 1");
            return 2;
        }

        var root = RepositoryRoot();
        if (root is null)
        {
            Console.Error.WriteLine("kv: run from the repository (no hocon/dsync.conf found above the working directory)");
            return 2;
        }
        nodeDll ??= await BuildNodeAsync(root);
        if (nodeDll is null) return 1;
        if (!File.Exists(nodeDll))
        {
            Console.Error.WriteLine($"kv: the node executable {nodeDll} does not exist");
            return 2;
        }

        var work = Path.Combine(Path.GetTempPath(), "dsync-kvbench-" + Guid.NewGuid().ToString("N")[..8]);
        Console.WriteLine($"kv benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {seconds:0.#} s per run, " +
                          $"{ValueBytes}-byte values over {KeySpace} keys, data in {work}");
        var ours = new List<Row>();
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
        else if (FindOnPath("etcd") is not { } etcd)
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
            Console.WriteLine($"targets: >= 15,000 writes/s at 64 clients: {at64.OpsPerSecond:N0} ({(at64.OpsPerSecond >= 15_000 ? "met" : "NOT met")}); " +
                              $"p99 < 15 ms: {at64.P99:0.00} ms ({(at64.P99 < 15 ? "met" : "NOT met")})");
        if (failoverMedian is { } m) Console.WriteLine($"targets: median failover < 1 s: {m:N0} ms ({(m < 1000 ? "met" : "NOT met")})");
        TryDelete(work);
        return 0;
    }

    private sealed record Row(int Clients, long Ops, long Errors, double Seconds, double P50, double P95, double P99)
    {
        public double OpsPerSecond => Ops / Seconds;
    }

    private static void PrintHeader() => Console.WriteLine($"{"clients",8} {"ops/s",10} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"errors",7}");

    private static void PrintRow(Row r) =>
        Console.WriteLine($"{r.Clients,8} {r.OpsPerSecond,10:N0} {r.P50,8:0.00} {r.P95,8:0.00} {r.P99,8:0.00} {r.Errors,7}");

    /// <summary>Runs <paramref name="clients"/> closed-loop writers for <paramref name="duration"/>; latencies of successful writes.</summary>
    private static async Task<Row> DriveAsync(Func<int, string, string, CancellationToken, Task> put, int clients, TimeSpan duration)
    {
        var value = new string('v', ValueBytes);
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
                var random = new Random(worker);
                while (!stop.IsCancellationRequested)
                {
                    var key = "bench-" + random.Next(KeySpace).ToString(CultureInfo.InvariantCulture);
                    var t0 = Stopwatch.GetTimestamp();
                    try
                    {
                        await put(worker, key, value, CancellationToken.None).ConfigureAwait(false);
                        latencies[worker].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    }
                    catch (Exception e) when (e is DistSyncApiException or NodeUnreachableException or HttpRequestException or TaskCanceledException)
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

    private static async Task CompareWithEtcdAsync(string etcd, string work, int[] clientCounts, double seconds, List<Row> ours)
    {
        Console.WriteLine();
        Console.WriteLine($"etcd ({etcd}) PUT /v3/kv/put through its JSON gateway (3 members on loopback, default fsync)");
        using var cluster = new EtcdCluster(etcd, Path.Combine(work, "etcd"));
        try
        {
            cluster.Start();
            await cluster.WaitHealthyAsync(TimeSpan.FromSeconds(60));
            var clients = cluster.Clients;
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
                var mine = ours.FirstOrDefault(r => r.Clients == c);
                if (mine is not null && row.OpsPerSecond > 0)
                    Console.WriteLine($"{"",8} DistSync / etcd throughput ratio at {c} clients: {mine.OpsPerSecond / row.OpsPerSecond:0.00}; p99 ratio {mine.P99 / row.P99:0.00}");
            }
        }
        catch (Exception e) when (e is TimeoutException or HttpRequestException)
        {
            Console.Error.WriteLine($"etcd comparison failed: {e.Message}");
            cluster.DumpLogs();
        }
    }

    private static async Task<string?> BuildNodeAsync(string root)
    {
        var artifacts = Path.Combine(Path.GetTempPath(), "dsync-kvbench-build");
        Console.WriteLine($"building DistSync.Node (Release) into {artifacts} ...");
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "build", "src/DistSync.Node/DistSync.Node.csproj", "-c", "Release", "--artifacts-path", artifacts, "-nologo", "-v", "q" })
            info.ArgumentList.Add(a);
        using var build = Process.Start(info)!;
        var stdout = build.StandardOutput.ReadToEndAsync();
        var stderr = build.StandardError.ReadToEndAsync();
        await build.WaitForExitAsync();
        var dll = Path.Combine(artifacts, "bin", "DistSync.Node", "release", "DistSync.Node.dll");
        if (build.ExitCode != 0 || !File.Exists(dll))
        {
            Console.Error.WriteLine($"kv: building DistSync.Node failed (exit {build.ExitCode}):\n{await stdout}{await stderr}");
            return null;
        }
        return dll;
    }

    private static string? RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "hocon", "dsync.conf"))) return dir.FullName;
            }
        }
        return null;
    }

    private static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

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
        }
    }

    /// <summary>A child process whose output goes to a log file; killed with its tree on dispose.</summary>
    private sealed class ChildProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StreamWriter _log;

        public ChildProcess(string file, IEnumerable<string> args, string workingDirectory, string logFile)
        {
            _log = new StreamWriter(logFile, append: true) { AutoFlush = true };
            var info = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args) info.ArgumentList.Add(a);
            _process = new Process { StartInfo = info };
            _process.OutputDataReceived += (_, e) => Append(e.Data);
            _process.ErrorDataReceived += (_, e) => Append(e.Data);
            _process.Start();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public bool HasExited => _process.HasExited;

        private void Append(string? line)
        {
            if (line is null) return;
            lock (_log) _log.WriteLine(line);
        }

        /// <summary>SIGKILL, as in a crash.</summary>
        public void Kill()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(30_000);
        }

        public void Dispose()
        {
            try
            {
                Kill();
            }
            catch (InvalidOperationException)
            {
            }
            _process.Dispose();
            lock (_log) _log.Dispose();
        }
    }

    /// <summary>Three DistSync node processes founding one meta group on free loopback ports.</summary>
    private sealed class NodeCluster : IDisposable
    {
        private readonly string _nodeDll;
        private readonly string _root;
        private readonly string _work;
        private readonly IReadOnlyList<string> _sets;
        private readonly int[] _http = FreePorts(3);
        private readonly int[] _remote = FreePorts(3);
        private readonly ChildProcess?[] _processes = new ChildProcess?[3];

        public NodeCluster(string nodeDll, string root, string work, IReadOnlyList<string> sets)
        {
            _nodeDll = nodeDll;
            _root = root;
            _work = work;
            _sets = sets;
            Directory.CreateDirectory(work);
            Clients = _http.Select(p => new DistSyncClient($"127.0.0.1:{p}", TimeSpan.FromSeconds(10))).ToArray();
        }

        public DistSyncClient[] Clients { get; }

        public void StartAll()
        {
            for (var i = 0; i < 3; i++) Start(i);
        }

        private void Start(int i)
        {
            var founders = string.Join(",", _remote.Select((p, j) => $"n{j + 1}@127.0.0.1:{p}"));
            var seeds = string.Join(",", _remote.Where((_, j) => j != i).Select(p => $"127.0.0.1:{p}"));
            var args = new List<string>
            {
                _nodeDll, "--config", "hocon/dsync.conf",
                "--set", $"dsync.node.id=n{i + 1}",
                "--set", $"dsync.node.data-dir={Path.Combine(_work, $"n{i + 1}")}",
                "--set", $"dsync.http.port={_http[i]}",
                "--set", $"dsync.remote.port={_remote[i]}",
                "--set", $"dsync.cluster.seeds={seeds}",
                "--set", $"dsync.cluster.initial-members={founders}",
                "--set", "dsync.log.level=warning",
            };
            foreach (var s in _sets) args.AddRange(["--set", s]);
            _processes[i] = new ChildProcess("dotnet", args, _root, Path.Combine(_work, $"n{i + 1}.log"));
        }

        public void Kill(int i) => _processes[i]?.Kill();

        public void Restart(int i)
        {
            _processes[i]?.Dispose();
            Start(i);
        }

        public async Task<int> WaitForLeaderAsync(int[] nodes, TimeSpan timeout)
        {
            var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                try
                {
                    var leaders = new string?[nodes.Length];
                    for (var i = 0; i < nodes.Length; i++) leaders[i] = (await Clients[nodes[i]].GetStatusAsync()).Leader;
                    if (leaders[0] is { } l && leaders.All(x => x == l)) return int.Parse(l[1..], CultureInfo.InvariantCulture) - 1;
                }
                catch (Exception e) when (e is NodeUnreachableException or DistSyncApiException)
                {
                    // starting up
                }
                foreach (var n in nodes)
                {
                    if (_processes[n] is { HasExited: true }) throw new TimeoutException($"node n{n + 1} exited (see its log)");
                }
                await Task.Delay(50);
            }
            throw new TimeoutException($"no leader agreed on by nodes {string.Join(",", nodes.Select(n => $"n{n + 1}"))} within {timeout.TotalSeconds:0} s");
        }

        /// <summary>Waits until every node has applied what the leader has committed (a restarted node caught up).</summary>
        public async Task WaitForCatchUpAsync(TimeSpan timeout)
        {
            var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                try
                {
                    var statuses = await Task.WhenAll(Clients.Select(c => c.GetStatusAsync()));
                    var commit = statuses.Max(s => s.CommitIndex);
                    if (statuses.All(s => s.LastApplied >= commit && s.Leader is not null)) return;
                }
                catch (Exception e) when (e is NodeUnreachableException or DistSyncApiException)
                {
                }
                await Task.Delay(50);
            }
            throw new TimeoutException($"the nodes did not catch up within {timeout.TotalSeconds:0} s");
        }

        public void DumpLogs()
        {
            for (var i = 0; i < 3; i++)
            {
                var file = Path.Combine(_work, $"n{i + 1}.log");
                if (!File.Exists(file)) continue;
                Console.Error.WriteLine($"--- n{i + 1} ({file}), last lines:");
                foreach (var line in File.ReadLines(file).TakeLast(20)) Console.Error.WriteLine(line);
            }
        }

        public void Dispose()
        {
            foreach (var c in Clients) c.Dispose();
            foreach (var p in _processes) p?.Dispose();
        }
    }

    /// <summary>Three etcd members on loopback (their JSON gateway on the client port).</summary>
    private sealed class EtcdCluster : IDisposable
    {
        private readonly string _etcd;
        private readonly string _work;
        private readonly int[] _client = FreePorts(3);
        private readonly int[] _peer = FreePorts(3);
        private readonly List<ChildProcess> _processes = [];

        public EtcdCluster(string etcd, string work)
        {
            _etcd = etcd;
            _work = work;
            Directory.CreateDirectory(work);
            Clients = _client.Select(p => new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{p}/"), Timeout = TimeSpan.FromSeconds(10) }).ToArray();
        }

        public HttpClient[] Clients { get; }

        public void Start()
        {
            var initial = string.Join(",", _peer.Select((p, i) => $"e{i + 1}=http://127.0.0.1:{p}"));
            for (var i = 0; i < 3; i++)
            {
                _processes.Add(new ChildProcess(_etcd,
                [
                    "--name", $"e{i + 1}",
                    "--data-dir", Path.Combine(_work, $"e{i + 1}"),
                    "--listen-client-urls", $"http://127.0.0.1:{_client[i]}",
                    "--advertise-client-urls", $"http://127.0.0.1:{_client[i]}",
                    "--listen-peer-urls", $"http://127.0.0.1:{_peer[i]}",
                    "--initial-advertise-peer-urls", $"http://127.0.0.1:{_peer[i]}",
                    "--initial-cluster", initial,
                    "--initial-cluster-state", "new",
                    "--initial-cluster-token", "dsync-kvbench",
                    "--log-level", "warn",
                ], _work, Path.Combine(_work, $"e{i + 1}.log")));
            }
        }

        public async Task WaitHealthyAsync(TimeSpan timeout)
        {
            var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var healthy = 0;
                foreach (var c in Clients)
                {
                    try
                    {
                        var text = await c.GetStringAsync("health");
                        if (text.Contains("\"true\"", StringComparison.Ordinal)) healthy++;
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                    }
                }
                if (healthy == Clients.Length) return;
                if (_processes.Any(p => p.HasExited)) throw new TimeoutException("an etcd member exited at startup");
                await Task.Delay(100);
            }
            throw new TimeoutException($"etcd not healthy within {timeout.TotalSeconds:0} s");
        }

        public void DumpLogs()
        {
            for (var i = 0; i < 3; i++)
            {
                var file = Path.Combine(_work, $"e{i + 1}.log");
                if (!File.Exists(file)) continue;
                Console.Error.WriteLine($"--- e{i + 1}, last lines:");
                foreach (var line in File.ReadLines(file).TakeLast(10)) Console.Error.WriteLine(line);
            }
        }

        public void Dispose()
        {
            foreach (var c in Clients) c.Dispose();
            foreach (var p in _processes) p.Dispose();
        }
    }
}
