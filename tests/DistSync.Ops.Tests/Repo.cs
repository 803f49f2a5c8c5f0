using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace DistSync.Ops.Tests;

/// <summary>The repository these tests were built from, and small process and port helpers.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "hocon", "dsync.conf")) && File.Exists(Path.Combine(dir.FullName, "build.sh")))
                return dir.FullName;
        }
        throw new InvalidOperationException("cannot find the repository root (hocon/dsync.conf, build.sh) above " + AppContext.BaseDirectory);
    }

    /// <summary>True when a process with this pid exists and is not a zombie.</summary>
    public static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state != "Z";
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }

    public static void KillHard(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            p.Kill(entireProcessTree: true);
            p.WaitForExit(30_000);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // already gone
        }
    }

    public static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// A base port B such that B..B+29 can all be bound now (the script uses B..B+2, B+10..B+12 and from B+20), below
    /// the kernel's ephemeral range so ports the OS hands out to other tests do not land in it.
    /// </summary>
    public static int FreePortBase()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var candidate = Random.Shared.Next(11_000, 31_000) / 10 * 10;
            if (Enumerable.Range(candidate, 30).All(CanBind)) return candidate;
        }
        throw new InvalidOperationException("no free block of 30 loopback ports found");
    }

    private static bool CanBind(int port)
    {
        try
        {
            var l = new TcpListener(IPAddress.Loopback, port);
            l.Start();
            l.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

/// <summary>Polls until a condition holds or a generous deadline passes; the failure names what was awaited.</summary>
internal static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last = default!;
        Exception? error = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await read();
                error = null;
                if (done(last)) return last;
            }
            catch (Exception e)
            {
                error = e;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{what}: not reached within {timeout.TotalSeconds:0} s; last value: {last}{(error is null ? "" : $"; last error: {error.Message}")}");
    }

    public static Task Until(Func<bool> done, TimeSpan timeout, string what) =>
        Until(() => Task.FromResult(done()), ok => ok, timeout, what);
}
