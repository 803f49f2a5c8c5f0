using System.Diagnostics;
using System.Text;
using DistSync.Node.Hosting;

namespace DistSync.Node.Tests;

/// <summary>A real DistSync.Node process started from the test's build output with the repository's hocon/dsync.conf.</summary>
internal sealed class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private NodeProcess(Process process) => _process = process;

    public int ExitCode => _process.ExitCode;
    public bool HasExited => _process.HasExited;
    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "hocon", "dsync.conf"))) return dir.FullName;
        }
        throw new InvalidOperationException("cannot find the repository root (hocon/dsync.conf) above " + AppContext.BaseDirectory);
    }

    public static NodeProcess Start(params string[] args)
    {
        var nodeDll = typeof(NodeProgram).Assembly.Location;
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot(),
        };
        info.ArgumentList.Add(nodeDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var node = new NodeProcess(process);
        process.OutputDataReceived += (_, e) => node.Append(e.Data);
        process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Starts node <paramref name="id"/> of a loopback cluster with fast heartbeats.</summary>
    /// <param name="founders">dsync.cluster.initial-members (<c>n1@127.0.0.1:port,...</c>), or null for none.</param>
    /// <param name="extra">More <c>key=value</c> settings.</param>
    public static NodeProcess StartMember(string id, int httpPort, int remotePort, IEnumerable<int> seedPorts, string dataDir,
        string? founders = null, params string[] extra)
    {
        var args = new List<string>
        {
            "--config", "hocon/dsync.conf",
            "--set", $"dsync.node.id={id}",
            "--set", $"dsync.node.data-dir={dataDir}",
            "--set", $"dsync.http.port={httpPort}",
            "--set", $"dsync.remote.port={remotePort}",
            "--set", $"dsync.cluster.seeds={string.Join(",", seedPorts.Select(p => $"127.0.0.1:{p}"))}",
            "--set", "dsync.failure-detector.heartbeat-interval=200ms",
            "--set", "dsync.failure-detector.acceptable-heartbeat-pause=1s",
            "--set", "dsync.log.level=warning",
        };
        if (founders is not null) args.AddRange(["--set", $"dsync.cluster.initial-members={founders}"]);
        foreach (var e in extra) args.AddRange(["--set", e]);
        return Start([.. args]);
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    /// <summary>SIGKILL: no shutdown hook runs, as in a crash.</summary>
    public void KillHard()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(30_000);
    }

    /// <summary>SIGTERM: the graceful path.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]);
        kill.WaitForExit();
    }

    /// <summary>
    /// Waits for the process to exit and then for its redirected output to be read to the end: the timed
    /// overload alone returns before the asynchronous readers have seen the last lines.
    /// </summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return false;
        _process.WaitForExit();
        return true;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            // Kill only signals: wait, so the caller may delete the data dir without the process still writing into it.
            _process.WaitForExit(30_000);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
