using System.Diagnostics;
using System.Text;
using DistSync.Node.Hosting;

namespace DistSync.Ops.Tests;

/// <summary>
/// <c>scripts/cluster.sh</c> run as a process on a free block of ports (DSYNC_PORT_BASE) and a temporary data
/// directory, with the node built beside these tests (DSYNC_NODE_DLL: the script builds nothing).
/// </summary>
internal sealed class ScriptCluster : IDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    private readonly StringBuilder _output = new();
    private Process? _script;

    public ScriptCluster()
    {
        PortBase = Repo.FreePortBase();
        Data = Path.Combine(Path.GetTempPath(), "dsync-ops-" + Guid.NewGuid().ToString("N"));
    }

    /// <summary>The node the script runs (DSYNC_NODE_DLL); by default the one built beside these tests.</summary>
    public string NodeDll { get; init; } = typeof(NodeProgram).Assembly.Location;

    public int PortBase { get; }
    public string Data { get; }
    public int HttpPort(int node) => PortBase + node - 1;
    public int RemotePort(int node) => PortBase + 10 + node - 1;
    public string RunDir => Path.Combine(Data, "run");

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public int ExitCode => _script!.ExitCode;

    /// <summary>Starts <c>scripts/cluster.sh</c> with <paramref name="args"/> (plus <c>--data</c>), without waiting.</summary>
    public void Start(params string[] args) => _script = Run(args, _output);

    /// <summary>Waits until the script printed that the cluster runs (all three answered /health).</summary>
    public Task WaitRunningAsync() =>
        Eventually.Until(() => Output.Contains("The cluster is running", StringComparison.Ordinal) || _script!.HasExited, Patience,
            "the cluster script reports the cluster running").ContinueWith(t =>
        {
            t.GetAwaiter().GetResult();
            Assert.False(_script!.HasExited, "the cluster script exited before the cluster ran:\n" + Output);
        }, TaskScheduler.Default);

    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_script!.WaitForExit(timeout)) return false;
        _script.WaitForExit();
        return true;
    }

    /// <summary>Runs <c>scripts/cluster.sh node &lt;n&gt;</c> (and more args) to its end; returns its exit code and output.</summary>
    public (int ExitCode, string Output) RunNodeCommand(int node, params string[] args)
    {
        var output = new StringBuilder();
        using var p = Run(["node", node.ToString(), .. args], output);
        Assert.True(p.WaitForExit(Patience), $"./build.sh node {node} did not finish:\n{output}");
        p.WaitForExit();
        lock (output) return (p.ExitCode, output.ToString());
    }

    public int PidOf(int node) => int.Parse(File.ReadAllText(Path.Combine(RunDir, $"n{node}.pid")).Trim());

    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _script!.Id.ToString()]);
        kill.WaitForExit();
    }

    private Process Run(string[] args, StringBuilder output)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repo.Root,
        };
        info.ArgumentList.Add(Repo.PathOf("scripts/cluster.sh"));
        foreach (var a in args) info.ArgumentList.Add(a);
        info.ArgumentList.Add("--data");
        info.ArgumentList.Add(Data);
        info.Environment["DSYNC_PORT_BASE"] = PortBase.ToString();
        info.Environment["DSYNC_NODE_DLL"] = NodeDll;
        info.Environment["DSYNC_START_TIMEOUT"] = ((int)Patience.TotalSeconds).ToString();
        var process = new Process { StartInfo = info };
        void Append(string? line)
        {
            if (line is null) return;
            lock (output) output.AppendLine(line);
        }
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private bool OursToStop(string pidFile, int pid)
    {
        var commandLine = Repo.CommandLine(pid);
        // redis-server rewrites its title to "redis-server host:port", so it is known by its pid file and name
        return commandLine.Contains(Data, StringComparison.Ordinal)
            || (pidFile.EndsWith("redis.pid", StringComparison.Ordinal) && commandLine.StartsWith("redis-server", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        if (_script is { HasExited: false })
        {
            Terminate();
            if (!_script.WaitForExit(TimeSpan.FromSeconds(90))) _script.Kill(entireProcessTree: true);
        }
        // A node restarted by `node <n>` is not the script's child: stop whatever the pid files still name.
        if (Directory.Exists(RunDir))
        {
            foreach (var file in Directory.GetFiles(RunDir, "*.pid"))
            {
                // only a process of this cluster (its command line names this data directory), never a reused pid
                if (int.TryParse(File.ReadAllText(file).Trim(), out var pid) && Repo.Alive(pid) && OursToStop(file, pid))
                    Repo.KillHard(pid);
            }
        }
        _script?.Dispose();
        try
        {
            if (Directory.Exists(Data)) Directory.Delete(Data, recursive: true);
        }
        catch (IOException)
        {
            // a node killed a moment ago may still hold a file; the temp dir is left behind
        }
    }
}
