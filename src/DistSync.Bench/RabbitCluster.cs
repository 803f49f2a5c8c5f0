using System.Diagnostics;
using System.Globalization;

namespace DistSync.Bench;

/// <summary>
/// The bench's own RabbitMQ nodes <c>bench1@localhost</c>.. on free loopback ports, everything under one temporary
/// directory: data (<c>RABBITMQ_MNESIA_BASE</c>), logs, config, an empty plugins list, the Erlang cookie (HOME is
/// the directory) and a private epmd (<c>ERL_EPMD_PORT</c>), so neither a system RabbitMQ nor its epmd is touched
/// or needed. <see cref="StartAsync"/> starts three nodes and joins 2 and 3 to 1; if a join fails it falls back to
/// node 1 alone (<see cref="Size"/> says which). <see cref="Dispose"/> stops every node (rabbitmqctl stop, then a
/// kill of what is left), kills the private epmd and removes the directory; Ctrl-C and process exit do the same.
/// <para>Not thread-safe: one caller starts and disposes; only the Ctrl-C / exit handlers race with Dispose, and
/// <see cref="Shutdown"/> runs once.</para>
/// </summary>
internal sealed class RabbitCluster : IDisposable
{
    private const int Nodes = 3;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan CtlTimeout = TimeSpan.FromSeconds(60);

    private readonly string _bin;
    private readonly string _dir;
    private readonly int[] _amqpPorts;
    private readonly int[] _distPorts;
    private readonly int _epmdPort;
    private readonly BenchProcesses _processes;
    private readonly Dictionary<string, string> _commonEnvironment;
    private readonly ConsoleCancelEventHandler _onCancel;
    private readonly EventHandler _onExit;
    private int _shutdown;

    /// <param name="bin">the directory holding the real <c>rabbitmq-server</c> and <c>rabbitmqctl</c> (<see cref="FindBinDirectory"/>)</param>
    /// <param name="dir">a fresh directory, removed on dispose</param>
    public RabbitCluster(string bin, string dir)
    {
        _bin = bin;
        _dir = dir;
        _amqpPorts = BenchSupport.FreePorts(Nodes);
        _distPorts = BenchSupport.FreePorts(Nodes);
        _epmdPort = BenchSupport.FreePorts(1)[0];
        _processes = new BenchProcesses(Path.Combine(dir, "stdout"));
        _commonEnvironment = WriteCommonFiles();
        _onCancel = (_, _) => Shutdown(graceful: false);
        _onExit = (_, _) => Shutdown(graceful: false);
        Console.CancelKeyPress += _onCancel;
        AppDomain.CurrentDomain.ProcessExit += _onExit;
    }

    /// <summary>How many nodes form the cluster after <see cref="StartAsync"/>: 3, or 1 after a failed join.</summary>
    public int Size { get; private set; }

    /// <summary>The AMQP ports of the running cluster members, in node order.</summary>
    public IReadOnlyList<int> AmqpPorts => _amqpPorts.Take(Size).ToArray();

    /// <summary>Why the cluster is smaller than three nodes, or null.</summary>
    public string? FallbackReason { get; private set; }

    /// <summary>
    /// The directory of the scripts that really start RabbitMQ, or null when it is not installed. Debian's
    /// <c>/usr/sbin/rabbitmq-server</c> is a wrapper that <c>su</c>s to the rabbitmq user and resets HOME and the
    /// working directory, which would lose our environment; the real scripts sit beside the wrapper's target
    /// (<c>/usr/lib/rabbitmq/bin</c>). A generic-unix install has them on PATH directly.
    /// </summary>
    public static string? FindBinDirectory()
    {
        if (BenchSupport.FindOnPath("rabbitmq-server") is not { } onPath) return null;
        var target = new FileInfo(onPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? onPath;
        foreach (var dir in new[] { Path.GetDirectoryName(target), Path.GetDirectoryName(onPath) })
        {
            if (dir is not null && File.Exists(Path.Combine(dir, "rabbitmq-server")) && File.Exists(Path.Combine(dir, "rabbitmqctl"))
                && !IsDebianWrapper(Path.Combine(dir, "rabbitmq-server")))
                return dir;
        }
        return null;
    }

    /// <summary>
    /// Starts the nodes, waits until each has booted, then clusters them; throws TimeoutException if node 1 never
    /// boots. If node 2 or 3 does not boot or join, node 1 carries on alone rather than losing the comparison.
    /// </summary>
    public async Task StartAsync()
    {
        for (var i = 0; i < Nodes; i++) StartNode(i);
        await AwaitStartupAsync(0);
        Size = Nodes;
        try
        {
            for (var i = 1; i < Nodes; i++) await AwaitStartupAsync(i);
            for (var i = 1; i < Nodes; i++)
            {
                // the documented join: a node must stop its rabbit app (not the VM) to reset into the cluster
                await CtlAsync(NodeName(i), "stop_app");
                await CtlAsync(NodeName(i), "join_cluster", NodeName(0));
                await CtlAsync(NodeName(i), "start_app");
            }
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            FallbackReason = $"forming the 3-node cluster failed ({FirstLine(e.Message)}); a single-node quorum queue instead";
            Size = 1;
            for (var i = 1; i < Nodes; i++) await TryCtlAsync(NodeName(i), "stop");
        }
    }

    /// <summary><c>rabbitmqctl -n bench1@localhost eval 'rabbit_nodes:all_running().'</c>: the members node 1 sees running.</summary>
    public async Task<string> RunningNodesAsync() =>
        (await CtlAsync(NodeName(0), "eval", "rabbit_nodes:all_running().")).Trim();

    /// <summary>
    /// <c>rabbitmqctl list_queues name type leader members</c> for <paramref name="queue"/>: where its Raft group's
    /// members and leader are.
    /// </summary>
    public async Task<string> DescribeQueueAsync(string queue)
    {
        var lines = (await CtlAsync(NodeName(0), "list_queues", "-q", "--no-table-headers", "name", "type", "leader", "members")).Split('\n');
        return string.Join(' ', lines.Where(l => l.StartsWith(queue + "\t", StringComparison.Ordinal)).Select(l => l.Replace('\t', ' ').Trim()));
    }

    /// <summary>The last lines of every node's log file and its standard output, on standard error.</summary>
    /// <summary>Nothing after a Ctrl-C: the nodes and their files are already gone, which is why the load failed.</summary>
    public void DumpLogs(int lastLines)
    {
        if (Volatile.Read(ref _shutdown) == 1) return;
        try
        {
            for (var i = 0; i < Nodes; i++)
            {
                var log = Path.Combine(_dir, $"n{i + 1}", "log", NodeName(i) + ".log");
                if (!File.Exists(log)) continue;
                Console.Error.WriteLine($"--- {NodeName(i)} log, last lines:");
                foreach (var line in File.ReadLines(log).TakeLast(lastLines)) Console.Error.WriteLine(line);
            }
            _processes.DumpLogs(lastLines, withPath: false);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"(RabbitMQ logs not readable: {e.Message})");
        }
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= _onCancel;
        AppDomain.CurrentDomain.ProcessExit -= _onExit;
        Shutdown(graceful: true);
    }

    private static string NodeName(int i) => $"bench{i + 1}@localhost";

    private static bool IsDebianWrapper(string script)
    {
        var info = new FileInfo(script);
        return info.LinkTarget is not null && info.ResolveLinkTarget(true)?.Name == "rabbitmq-script-wrapper";
    }

    private static string FirstLine(string s) => s.Split('\n', 2)[0].Trim();

    /// <summary>
    /// The cookie (HOME is our directory, so server and CLI both read <c>$HOME/.erlang.cookie</c>; mode 400 or Erlang
    /// refuses it), an empty plugin list (the term <c>[].</c>: no management plugin, nothing from /etc) and the
    /// environment every node and rabbitmqctl call shares.
    /// </summary>
    private Dictionary<string, string> WriteCommonFiles()
    {
        Directory.CreateDirectory(_dir);
        var cookie = Path.Combine(_dir, ".erlang.cookie");
        File.WriteAllText(cookie, "DSYNCBENCH" + Guid.NewGuid().ToString("N").ToUpperInvariant());
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(cookie, UnixFileMode.UserRead);
        var plugins = Path.Combine(_dir, "enabled_plugins");
        File.WriteAllText(plugins, "[].\n");
        return new Dictionary<string, string>
        {
            ["HOME"] = _dir,
            ["ERL_EPMD_PORT"] = _epmdPort.ToString(CultureInfo.InvariantCulture),
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = plugins,
            // /etc/rabbitmq/rabbitmq-env.conf and advanced.config belong to the system service; keep them out
            ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(_dir, "rabbitmq-env.conf.absent"),
            ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(_dir, "advanced.config.absent"),
        };
    }

    private void StartNode(int i)
    {
        var nodeDir = Path.Combine(_dir, $"n{i + 1}");
        Directory.CreateDirectory(nodeDir);
        var config = Path.Combine(nodeDir, "rabbit.conf");
        // the console log would duplicate the file log in our stdout capture; warnings are enough to diagnose a failure
        File.WriteAllLines(config,
        [
            $"listeners.tcp.default = 127.0.0.1:{_amqpPorts[i]}",
            "log.console = false",
            "log.file.level = warning",
        ]);
        var environment = new Dictionary<string, string>(_commonEnvironment)
        {
            ["RABBITMQ_NODENAME"] = NodeName(i),
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = _amqpPorts[i].ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = _distPorts[i].ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(nodeDir, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(nodeDir, "log"),
            ["RABBITMQ_CONFIG_FILE"] = config,
            // inter-node distribution on loopback only, like everything else of the bench
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
        };
        _processes.Start($"rabbit{i + 1}", Path.Combine(_bin, "rabbitmq-server"), [], _dir, environment);
    }

    /// <summary>Retries <c>await_startup</c> (it fails at once while the node is not yet registered with epmd).</summary>
    private async Task AwaitStartupAsync(int i)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            if (_processes.HasExited($"rabbit{i + 1}")) throw new TimeoutException($"{NodeName(i)} exited at startup");
            try
            {
                await CtlAsync(NodeName(i), "await_startup", "--timeout", "10");
                return;
            }
            catch (InvalidOperationException) when (Stopwatch.GetElapsedTime(started) < StartTimeout)
            {
                await Task.Delay(500);
            }
            catch (InvalidOperationException e)
            {
                throw new TimeoutException($"{NodeName(i)} did not boot within {StartTimeout.TotalSeconds:0} s: {FirstLine(e.Message)}");
            }
        }
    }

    /// <summary>
    /// Runs <c>rabbitmqctl -n node args</c> and returns its output; InvalidOperationException with the output if it
    /// fails, TimeoutException after <see cref="CtlTimeout"/>. Each call gets its own free distribution port: the CLI's
    /// default range (35672-35682) is shared with any other RabbitMQ on the machine.
    /// </summary>
    private async Task<string> CtlAsync(string node, params string[] args)
    {
        var info = new ProcessStartInfo(Path.Combine(_bin, "rabbitmqctl")) { WorkingDirectory = _dir, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-n");
        info.ArgumentList.Add(node);
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (key, value) in _commonEnvironment) info.Environment[key] = value;
        var ctlPort = BenchSupport.FreePorts(1)[0].ToString(CultureInfo.InvariantCulture);
        info.Environment["RABBITMQ_CTL_DIST_PORT_MIN"] = ctlPort;
        info.Environment["RABBITMQ_CTL_DIST_PORT_MAX"] = ctlPort;
        using var ctl = Process.Start(info) ?? throw new InvalidOperationException("rabbitmqctl did not start");
        var stdout = ctl.StandardOutput.ReadToEndAsync();
        var stderr = ctl.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CtlTimeout);
        try
        {
            await ctl.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            ctl.Kill(entireProcessTree: true);
            throw new TimeoutException($"rabbitmqctl -n {node} {string.Join(' ', args)} took over {CtlTimeout.TotalSeconds:0} s");
        }
        var output = await stdout + await stderr;
        if (ctl.ExitCode != 0) throw new InvalidOperationException($"rabbitmqctl -n {node} {string.Join(' ', args)} exited {ctl.ExitCode}: {output.Trim()}");
        return output;
    }

    private async Task TryCtlAsync(string node, params string[] args)
    {
        try
        {
            await CtlAsync(node, args);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            // the kill in Shutdown is the backstop
        }
    }

    /// <summary>
    /// Once: graceful <c>rabbitmqctl stop</c> of each node (unless from Ctrl-C/exit, where there is no time), a kill
    /// of any process left, then the private epmd (it outlives the nodes as a daemon) and the directory.
    /// </summary>
    private void Shutdown(bool graceful)
    {
        if (Interlocked.Exchange(ref _shutdown, 1) == 1) return;
        if (graceful)
        {
            var stops = Enumerable.Range(0, Nodes).Where(i => !_processes.HasExited($"rabbit{i + 1}")).Select(i => TryCtlAsync(NodeName(i), "stop"));
            Task.WhenAll(stops).Wait(TimeSpan.FromSeconds(60));
        }
        _processes.Dispose();
        KillEpmd();
        // a killed node's VM (a grandchild of the start script, not tracked by us) may still be writing for a moment after
        // the script's exit, so the delete is retried; synchronously, since this also runs from ProcessExit and Ctrl-C
        for (var attempt = 0; attempt < 10 && Directory.Exists(_dir); attempt++)
        {
            if (attempt > 0) Thread.Sleep(300);
            BenchSupport.TryDelete(_dir);
        }
    }

    /// <summary><c>epmd -kill</c> on our port; epmd is found beside PATH's, else in Erlang's usual place.</summary>
    private void KillEpmd()
    {
        var epmd = BenchSupport.FindOnPath("epmd") ?? (File.Exists("/usr/lib/erlang/bin/epmd") ? "/usr/lib/erlang/bin/epmd" : null);
        if (epmd is null) return;
        try
        {
            var info = new ProcessStartInfo(epmd) { RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add("-port");
            info.ArgumentList.Add(_epmdPort.ToString(CultureInfo.InvariantCulture));
            info.ArgumentList.Add("-kill");
            using var kill = Process.Start(info);
            kill?.WaitForExit(10_000);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // epmd not runnable: nothing of ours to stop
        }
    }
}
