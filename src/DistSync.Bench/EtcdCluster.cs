using System.Diagnostics;
using System.Text.Json;

namespace DistSync.Bench;

/// <summary>
/// A three-member etcd cluster <c>e1..e3</c> started by a bench on free loopback ports, data and logs in one
/// temporary directory, with etcd's durable defaults (the WAL is fsynced before a write is acknowledged, as
/// DistSync's journal is): only names, URLs, the initial cluster and warn logging are set. <see cref="StartAsync"/>
/// waits until every member answers <c>/health</c>; <see cref="Dispose"/> kills the members and deletes the
/// directory, and so do Ctrl-C, process exit and an unhandled exception, so an interrupted bench leaves neither
/// processes nor data behind.
/// <para>Not thread-safe: one caller starts and disposes; only the Ctrl-C / exit handlers race with Dispose, and
/// <see cref="Shutdown"/> runs once.</para>
/// </summary>
internal sealed class EtcdCluster : IDisposable
{
    private const int Members = 3;

    private readonly string _etcd;
    private readonly string _dir;
    private readonly string _token;
    private readonly BenchProcesses _processes;
    private readonly int[] _peerPorts;
    private readonly ConsoleCancelEventHandler _onCancel;
    private readonly EventHandler _onExit;
    private readonly UnhandledExceptionEventHandler _onCrash;
    private int _shutdown;

    /// <param name="etcd">the etcd executable (<see cref="Find"/>)</param>
    /// <param name="dir">a fresh directory, removed on dispose</param>
    /// <param name="clusterToken">etcd's <c>--initial-cluster-token</c>, naming the bench that started it</param>
    public EtcdCluster(string etcd, string dir, string clusterToken)
    {
        _etcd = etcd;
        _dir = dir;
        _token = clusterToken;
        _processes = new BenchProcesses(dir);
        _onCancel = (_, _) => Shutdown();
        _onExit = (_, _) => Shutdown();
        _onCrash = (_, _) => Shutdown();
        Console.CancelKeyPress += _onCancel;
        AppDomain.CurrentDomain.ProcessExit += _onExit;
        AppDomain.CurrentDomain.UnhandledException += _onCrash;
        // client and peer ports from one call: two calls may hand out the same port (each frees its ports on return),
        // and a member then dies at startup with "bind: address already in use"
        var ports = BenchSupport.FreePorts(2 * Members);
        ClientPorts = ports[..Members];
        _peerPorts = ports[Members..];
        Clients = new HttpClient[Members];
        for (var i = 0; i < Members; i++)
            Clients[i] = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ClientPorts[i]}/"), Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>One HTTP client per member's JSON gateway (base address <c>http://127.0.0.1:port/</c>), in member order.</summary>
    public HttpClient[] Clients { get; }

    /// <summary>The members' client ports, in member order (for streaming clients with their own timeouts).</summary>
    public IReadOnlyList<int> ClientPorts { get; }

    /// <summary>What <c>GET /version</c> answered (e.g. <c>3.4.23</c>), after <see cref="StartAsync"/>.</summary>
    public string Version { get; private set; } = "?";

    /// <summary>The settings the members run with, for the bench's output.</summary>
    public static string Settings =>
        "etcd defaults: WAL fsync before each acknowledged write batch, --snapshot-count 100000, --heartbeat-interval 100 ms, " +
        "--election-timeout 1000 ms; JSON gateway over HTTP/1.1 on loopback";

    /// <summary><c>/usr/bin/etcd</c> if present, else <c>etcd</c> on PATH; null when neither exists.</summary>
    public static string? Find() => File.Exists("/usr/bin/etcd") ? "/usr/bin/etcd" : BenchSupport.FindOnPath("etcd");

    /// <summary>Starts the members and waits (up to 60 s) until each is healthy; TimeoutException if not, or if one exits.</summary>
    public async Task StartAsync()
    {
        var peerPorts = _peerPorts;
        var initial = string.Join(",", peerPorts.Select((p, i) => $"e{i + 1}=http://127.0.0.1:{p}"));
        for (var i = 0; i < Members; i++)
        {
            _processes.Start($"e{i + 1}", _etcd,
            [
                "--name", $"e{i + 1}",
                "--data-dir", DataDir(i),
                "--listen-client-urls", $"http://127.0.0.1:{ClientPorts[i]}",
                "--advertise-client-urls", $"http://127.0.0.1:{ClientPorts[i]}",
                "--listen-peer-urls", $"http://127.0.0.1:{peerPorts[i]}",
                "--initial-advertise-peer-urls", $"http://127.0.0.1:{peerPorts[i]}",
                "--initial-cluster", initial,
                "--initial-cluster-state", "new",
                "--initial-cluster-token", _token,
                "--log-level", "warn",
            ], _dir);
        }
        await WaitHealthyAsync(TimeSpan.FromSeconds(60));
        try
        {
            using var doc = JsonDocument.Parse(await Clients[0].GetStringAsync("version"));
            Version = doc.RootElement.GetProperty("etcdserver").GetString() ?? "?";
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or KeyNotFoundException)
        {
            // the version is only printed
        }
    }

    /// <summary>
    /// The index of the member that leads now (from each member's <c>/v3/maintenance/status</c>), or -1 when they do
    /// not agree or do not answer; for the output only.
    /// </summary>
    public async Task<int> LeaderAsync()
    {
        try
        {
            var ids = new string?[Members];
            string? leader = null;
            for (var i = 0; i < Members; i++)
            {
                using var response = await Clients[i].PostAsync("v3/maintenance/status", new StringContent("{}"));
                using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                ids[i] = doc.RootElement.GetProperty("header").GetProperty("member_id").GetString();
                var l = doc.RootElement.GetProperty("leader").GetString();
                if (leader is not null && l != leader) return -1;
                leader = l;
            }
            return Array.IndexOf(ids, leader);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return -1;
        }
    }

    /// <summary>The operating-system process id of member <paramref name="i"/> (0-based), as last started (bench soak reads its RSS).</summary>
    public int ProcessId(int i) => _processes.ProcessId($"e{i + 1}");

    /// <summary>Member <paramref name="i"/>'s data directory (0-based; bench soak sums its files before <see cref="Dispose"/> deletes it).</summary>
    public string DataDir(int i) => Path.Combine(_dir, $"e{i + 1}");

    /// <summary>kill -9 of member <paramref name="i"/> (0-based), for failover trials.</summary>
    public void Kill(int i) => _processes.Kill($"e{i + 1}");

    /// <summary>Starts killed member <paramref name="i"/> again on its data directory (it rejoins; the initial-cluster flags are ignored then).</summary>
    public void Restart(int i) => _processes.Restart($"e{i + 1}");

    /// <summary>The last lines of every member's log on standard error.</summary>
    public void DumpLogs(int lastLines, bool withPath)
    {
        if (Volatile.Read(ref _shutdown) == 1) return;
        _processes.DumpLogs(lastLines, withPath);
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= _onCancel;
        AppDomain.CurrentDomain.ProcessExit -= _onExit;
        AppDomain.CurrentDomain.UnhandledException -= _onCrash;
        Shutdown();
        foreach (var c in Clients) c.Dispose();
    }

    private async Task WaitHealthyAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var healthy = 0;
            foreach (var c in Clients)
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
            if (healthy == Members) return;
            if (_processes.AnyExited) throw new TimeoutException("an etcd member exited at startup");
            await Task.Delay(100);
        }
        throw new TimeoutException($"etcd not healthy within {timeout.TotalSeconds:0} s");
    }

    /// <summary>
    /// Once: kill every member (SIGKILL waits for the exit, so nothing writes any more), then delete the directory.
    /// The HTTP clients stay usable (only <see cref="Dispose"/> disposes them): after a Ctrl-C the load loops still
    /// run for a moment, and a request to a killed member fails as a counted error where a disposed client would
    /// throw an exception nothing catches.
    /// </summary>
    private void Shutdown()
    {
        if (Interlocked.Exchange(ref _shutdown, 1) == 1) return;
        _processes.Dispose();
        BenchSupport.TryDelete(_dir);
    }
}
