using System.Diagnostics;

namespace DistSync.Bench;

/// <summary>
/// Named child processes (node or etcd members of a benchmark) whose output goes to <c>name.log</c> in one directory;
/// a child can be killed (SIGKILL with its tree, as in a crash) and restarted with the same command; all are killed on dispose.
/// </summary>
internal sealed class BenchProcesses : IDisposable
{
    private readonly string _dir;
    private readonly List<Child> _children = [];

    public BenchProcesses(string dir)
    {
        _dir = dir;
        Directory.CreateDirectory(dir);
    }

    public bool AnyExited => _children.Any(c => c.Process.HasExited);

    /// <summary>Whether the child <paramref name="name"/> was started and has exited since.</summary>
    public bool HasExited(string name) => Find(name) is { } child && child.Process.HasExited;

    /// <summary>The process id of the child <paramref name="name"/> as last started.</summary>
    public int ProcessId(string name) => (Find(name) ?? throw new InvalidOperationException($"no process named {name} was started")).Process.Id;

    public string LogFile(string name) => Path.Combine(_dir, name + ".log");

    /// <param name="environment">variables set for the child on top of this process's own (RabbitMQ nodes take their
    /// ports and directories from the environment)</param>
    public void Start(string name, string file, IReadOnlyList<string> args, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (Find(name) is not null) throw new InvalidOperationException($"a process named {name} was already started");
        var child = new Child(name, file, args, workingDirectory, environment);
        Launch(child);
        _children.Add(child);
    }

    /// <summary>SIGKILL, as in a crash; waits for the exit.</summary>
    public void Kill(string name)
    {
        if (Find(name) is { } child) Kill(child.Process);
    }

    /// <summary>Ends the child (if still running) and starts it again with the same command, appending to its log.</summary>
    public void Restart(string name)
    {
        var child = Find(name) ?? throw new InvalidOperationException($"no process named {name} was started");
        Stop(child);
        Launch(child);
    }

    /// <summary>The last lines of every child's log (in start order) on standard error.</summary>
    /// <param name="skip">lines left out (e.g. a retry that repeats every second), so the last lines say something</param>
    public void DumpLogs(int lastLines, bool withPath = true, Func<string, bool>? skip = null)
    {
        foreach (var child in _children)
        {
            var file = LogFile(child.Name);
            if (!File.Exists(file)) continue;
            Console.Error.WriteLine(withPath ? $"--- {child.Name} ({file}), last lines:" : $"--- {child.Name}, last lines:");
            var lines = skip is null ? File.ReadLines(file) : File.ReadLines(file).Where(l => !skip(l));
            foreach (var line in lines.TakeLast(lastLines)) Console.Error.WriteLine(line);
        }
    }

    /// <summary>Copies every child's whole log into <paramref name="dir"/> (the work directory is deleted at the end).</summary>
    public void SaveLogs(string dir)
    {
        Directory.CreateDirectory(dir);
        foreach (var child in _children)
        {
            var file = LogFile(child.Name);
            if (File.Exists(file)) File.Copy(file, Path.Combine(dir, child.Name + ".log"), overwrite: true);
        }
    }

    public void Dispose()
    {
        foreach (var child in _children) Stop(child);
    }

    private Child? Find(string name)
    {
        foreach (var child in _children)
        {
            if (child.Name == name) return child;
        }
        return null;
    }

    private void Launch(Child child)
    {
        var log = new StreamWriter(LogFile(child.Name), append: true) { AutoFlush = true };
        var info = new ProcessStartInfo(child.Executable) { WorkingDirectory = child.WorkingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in child.Args) info.ArgumentList.Add(a);
        if (child.Environment is { } environment)
        {
            foreach (var (key, value) in environment) info.Environment[key] = value;
        }
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        child.Process = process;
        child.Log = log;
    }

    private static void Kill(Process process)
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.WaitForExit(30_000);
    }

    private static void Stop(Child child)
    {
        try
        {
            Kill(child.Process);
        }
        catch (InvalidOperationException)
        {
            // never started or already gone
        }
        child.Process.Dispose();
        lock (child.Log) child.Log.Dispose();
    }

    private static void Append(StreamWriter log, string? line)
    {
        if (line is null) return;
        lock (log) log.WriteLine(line);
    }

    private sealed class Child(string name, string executable, IReadOnlyList<string> args, string workingDirectory, IReadOnlyDictionary<string, string>? environment)
    {
        public string Name { get; } = name;
        public string Executable { get; } = executable;
        public IReadOnlyList<string> Args { get; } = args;
        public string WorkingDirectory { get; } = workingDirectory;
        public IReadOnlyDictionary<string, string>? Environment { get; } = environment;
        public Process Process { get; set; } = null!;
        public StreamWriter Log { get; set; } = null!;
    }
}
