using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using DistSync.Client;

namespace DistSync.Bench;

/// <summary>
/// What the multi-process benchmarks (kv, locks, queues) share: the repository root, the node executable, free loopback
/// ports, starting three DistSync nodes or three etcd members, result records and their rows, percentiles and clean-up.
/// </summary>
internal static class BenchSupport
{
    /// <summary>
    /// The options kv and locks share: <c>--seconds S</c>, <c>--clients 1,16,64</c>, <c>--node-dll PATH</c> (default
    /// <c>$DSYNC_NODE_DLL</c>) and <c>--no-etcd</c>.
    /// </summary>
    public sealed class NodeBenchOptions
    {
        public double Seconds { get; set; } = 10.0;

        public int[] ClientCounts { get; private set; } = [1, 16, 64];

        public string? NodeDll { get; private set; } = NodeDllFromEnvironment();

        public bool EtcdWanted { get; private set; } = true;

        /// <summary>Applies <c>args[i]</c> if it is a shared option (advancing <paramref name="i"/> past its value); false if not.</summary>
        public bool TryApply(string[] args, ref int i)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--seconds" when value is not null: Seconds = double.Parse(value, CultureInfo.InvariantCulture); i++; return true;
                case "--clients" when value is not null: ClientCounts = value.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray(); i++; return true;
                case "--node-dll" when value is not null: NodeDll = Path.GetFullPath(value); i++; return true;
                case "--no-etcd": EtcdWanted = false; return true;
                default: return false;
            }
        }
    }

    /// <summary>
    /// The directory holding <c>hocon/dsync.conf</c>, searched upwards from the working directory and, with
    /// <paramref name="alsoFromBinary"/>, then from the benchmark's own binary directory; null if none.
    /// </summary>
    public static string? RepositoryRoot(bool alsoFromBinary)
    {
        var starts = alsoFromBinary ? new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory } : [Directory.GetCurrentDirectory()];
        foreach (var start in starts)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "hocon", "dsync.conf"))) return dir.FullName;
            }
        }
        return null;
    }

    /// <summary>The node executable from <c>$DSYNC_NODE_DLL</c> (full path), or null when unset.</summary>
    public static string? NodeDllFromEnvironment() =>
        Environment.GetEnvironmentVariable("DSYNC_NODE_DLL") is { Length: > 0 } fromEnv ? Path.GetFullPath(fromEnv) : null;

    /// <summary>
    /// The repository root (see <see cref="RepositoryRoot"/>) and the node executable: <paramref name="nodeDll"/> if
    /// given, else built with <see cref="BuildNodeAsync"/>. On failure the reason is printed (prefixed with
    /// <paramref name="bench"/>) and ExitCode is 2 (no repository) or 1 (build failed); 0 otherwise.
    /// </summary>
    public static async Task<(string Root, string NodeDll, int ExitCode)> RootAndNodeAsync(string bench, string? nodeDll, bool alsoFromBinary, string buildFolder)
    {
        var root = RepositoryRoot(alsoFromBinary);
        if (root is null)
        {
            Console.Error.WriteLine($"{bench}: run from the repository (no hocon/dsync.conf found above the working directory)");
            return ("", "", 2);
        }
        nodeDll ??= await BuildNodeAsync(root, buildFolder, bench);
        return nodeDll is null ? (root, "", 1) : (root, nodeDll, 0);
    }

    /// <summary>
    /// Builds DistSync.Node (Release) into <c>$TMP/<paramref name="artifactsFolder"/></c>; the dll, or null after
    /// printing the build output prefixed with <paramref name="bench"/>.
    /// </summary>
    public static async Task<string?> BuildNodeAsync(string root, string artifactsFolder, string bench)
    {
        var artifacts = Path.Combine(Path.GetTempPath(), artifactsFolder);
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
        Console.Error.WriteLine($"{bench}: building DistSync.Node failed (exit {build.ExitCode}):\n{await stdout}{await stderr}");
        return null;
    }

    public static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Ports free on loopback at the time of the call (all held at once, so distinct).</summary>
    public static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        foreach (var l in listeners) l.Start();
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (var l in listeners) l.Stop();
        return ports;
    }

    /// <summary>
    /// Starts node <c>n{index + 1}</c> of three founding one meta group (data in <c>work/n{index + 1}</c>, the shipped
    /// hocon/dsync.conf, log level warning, then <paramref name="extraSets"/>) as child <c>n{index + 1}</c> of <paramref name="processes"/>.
    /// </summary>
    public static void StartNode(BenchProcesses processes, string nodeDll, string root, string work, int[] httpPorts, int[] remotePorts, int index, IReadOnlyList<string> extraSets)
    {
        var name = $"n{index + 1}";
        var founders = string.Join(",", remotePorts.Select((p, j) => $"n{j + 1}@127.0.0.1:{p}"));
        var seeds = string.Join(",", remotePorts.Where((_, j) => j != index).Select(p => $"127.0.0.1:{p}"));
        var args = new List<string>
        {
            nodeDll, "--config", "hocon/dsync.conf",
            "--set", $"dsync.node.id={name}",
            "--set", $"dsync.node.data-dir={Path.Combine(work, name)}",
            "--set", $"dsync.http.port={httpPorts[index]}",
            "--set", $"dsync.remote.port={remotePorts[index]}",
            "--set", $"dsync.cluster.seeds={seeds}",
            "--set", $"dsync.cluster.initial-members={founders}",
            "--set", "dsync.log.level=warning",
        };
        foreach (var s in extraSets) args.AddRange(["--set", s]);
        processes.Start(name, "dotnet", args, root);
    }

    /// <summary>The leader id (e.g. <c>n2</c>) if every one of <paramref name="clients"/> names the same leader; null if not (yet).</summary>
    public static async Task<string?> AgreedLeaderAsync(IReadOnlyList<DistSyncClient> clients)
    {
        try
        {
            var leaders = new string?[clients.Count];
            for (var i = 0; i < clients.Count; i++) leaders[i] = (await clients[i].GetStatusAsync()).Leader;
            return leaders[0] is { } l && leaders.All(x => x == l) ? l : null;
        }
        catch (Exception e) when (e is NodeUnreachableException or DistSyncApiException)
        {
            return null; // still starting
        }
    }

    /// <summary>
    /// Starts three etcd members under <paramref name="dir"/> (<see cref="EtcdCluster"/>), waits until healthy and runs
    /// <paramref name="workload"/> against their gateways. A timeout, HTTP or JSON failure is printed as "etcd comparison
    /// failed" with the members' last <paramref name="dumpLines"/> log lines; the members are killed and their directory
    /// deleted at the end either way.
    /// </summary>
    public static async Task RunAgainstEtcdAsync(string etcd, string dir, string clusterToken, Func<HttpClient[], Task> workload, int dumpLines, bool dumpWithPath)
    {
        using var cluster = new EtcdCluster(etcd, dir, clusterToken);
        try
        {
            await cluster.StartAsync();
            await workload(cluster.Clients);
        }
        catch (Exception e) when (e is TimeoutException or HttpRequestException or JsonException)
        {
            Console.Error.WriteLine($"etcd comparison failed: {e.Message}");
            cluster.DumpLogs(dumpLines, dumpWithPath);
        }
    }

    /// <summary>Under an etcd result row: DistSync's rate and p99 at the same client count divided by etcd's.</summary>
    public static void PrintEtcdRatio(IEnumerable<ClosedLoopResult> ours, ClosedLoopResult etcdRow, string rateName)
    {
        var mine = ours.FirstOrDefault(x => x.Clients == etcdRow.Clients);
        if (mine is not null && etcdRow.PerSecond > 0)
            Console.WriteLine($"{"",8} DistSync / etcd {rateName} ratio at {etcdRow.Clients} clients: {mine.PerSecond / etcdRow.PerSecond:0.00}; p99 ratio {mine.P99 / etcdRow.P99:0.00}");
    }

    /// <summary>The outcome of one closed-loop run: successful operations, failures, and latency percentiles in ms.</summary>
    public sealed record ClosedLoopResult(int Clients, long Ops, long Errors, double Seconds, double P50, double P95, double P99)
    {
        public double PerSecond => Ops / Seconds;
    }

    /// <summary>
    /// The outcome of one end-to-end queue run (bench queues, for DistSync and RabbitMQ alike): messages acked within the
    /// window (sent after it began), produced, failed requests, redeliveries seen, and latency percentiles in ms from
    /// the producer's send to the consumer's ack.
    /// </summary>
    public sealed record EndToEndResult(int Clients, long Acked, long Produced, long Errors, long Redelivered, double Seconds, double P50, double P95, double P99)
    {
        public double AckedPerSecond => Acked / Seconds;

        public double ProducedPerSecond => Produced / Seconds;
    }

    public static void PrintEndToEndHeader() =>
        Console.WriteLine($"{"clients",8} {"acked/s",10} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"errors",7} {"produced/s",11} {"redeliv.",8}");

    public static void PrintEndToEndRow(EndToEndResult r) =>
        Console.WriteLine($"{r.Clients,8} {r.AckedPerSecond.ToString("N0", CultureInfo.CurrentCulture),10} {r.P50,8:0.00} {r.P95,8:0.00} {r.P99,8:0.00} {r.Errors,7} " +
                          $"{r.ProducedPerSecond.ToString("N0", CultureInfo.CurrentCulture),11} {r.Redelivered,8}");

    /// <summary>
    /// Runs <paramref name="clients"/> closed-loop workers for <paramref name="duration"/>: each repeats
    /// <paramref name="measured"/> (timed; the latency of each success is kept), then the untimed rest it returns (if any).
    /// Exceptions matching <paramref name="isError"/> count as errors; any other ends the run.
    /// </summary>
    public static async Task<ClosedLoopResult> DriveClosedLoopAsync(int clients, TimeSpan duration, Func<int, Task<Func<Task<bool>>?>> measured, Func<Exception, bool> isError)
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
                    catch (Exception e) when (isError(e))
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
        return new ClosedLoopResult(clients, all.Length, errors.Sum(), elapsed, Percentile(all, 0.50), Percentile(all, 0.95), Percentile(all, 0.99));
    }

    /// <summary>The table header for <see cref="PrintRow"/>; <paramref name="rate"/> names the per-second column.</summary>
    public static void PrintHeader(string rate, int rateWidth) =>
        Console.WriteLine($"{"clients",8} {rate.PadLeft(rateWidth)} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"errors",7}");

    public static void PrintRow(ClosedLoopResult r, int rateWidth) =>
        Console.WriteLine($"{r.Clients,8} {r.PerSecond.ToString("N0", CultureInfo.CurrentCulture).PadLeft(rateWidth)} {r.P50,8:0.00} {r.P95,8:0.00} {r.P99,8:0.00} {r.Errors,7}");

    /// <summary>The nearest-rank percentile <paramref name="p"/> (0..1) of sorted values; NaN when there are none.</summary>
    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    /// <summary>The 1, 5 and 15 minute load averages from <c>/proc/loadavg</c> (this machine is shared: figures need it beside them).</summary>
    public static string LoadAverage()
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

    public static void TryDelete(string dir)
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
}
