using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;

namespace DistSync.Persistence.Tests;

/// <summary>
/// Starts a private <c>redis-server</c> on a free loopback port with AOF and <c>appendfsync always</c>, waits until
/// it answers PING and kills it at dispose. A missing redis-server is a test FAILURE with a clear message, never a
/// skip: the Redis plugin must be proven on every run.
/// </summary>
public sealed class RedisServerFixture : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private Process _process;
    private readonly string _directory;
    private readonly StringBuilder _output = new();

    public RedisServerFixture()
    {
        _directory = Directory.CreateTempSubdirectory("dsync-redis-").FullName;
        Port = FreeLoopbackPort();
        _process = StartServer();
        WaitForPing();
    }

    private Process StartServer()
    {
        var start = new ProcessStartInfo(FindRedisServer())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--dir", _directory })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>
    /// Kills the server with SIGKILL (no chance to flush anything) and starts it again on the same port and
    /// directory, so it reloads its append-only file: what survives is exactly what was fsynced.
    /// </summary>
    public void CrashAndRestart()
    {
        _process.Kill();
        _process.WaitForExit(30_000);
        _process.Dispose();
        _process = StartServer();
        WaitForPing();
    }

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>A new multiplexer to this server (the caller disposes it).</summary>
    public Task<ConnectionMultiplexer> ConnectAsync() =>
        ConnectionMultiplexer.ConnectAsync($"{Endpoint},abortConnect=false,connectTimeout=10000,syncTimeout=30000");

    private static string FindRedisServer()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/bin").Append("/usr/local/bin"))
        {
            var candidate = Path.Combine(dir, "redis-server");
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException(
            "redis-server is not installed, so the Redis journal cannot be tested. Install it (apt-get install -y redis-server); " +
            ".ci/run does this on CI. A missing Redis is a failure, not a skip.");
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private void WaitForPing()
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) break;
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                var stream = client.GetStream();
                stream.Write("PING\r\n"u8);
                var buffer = new byte[16];
                var read = stream.Read(buffer, 0, buffer.Length);
                if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal)) return;
            }
            catch (SocketException)
            {
                // not listening yet
            }
            Thread.Sleep(50); // polling a starting process; there is no event to await
        }
        string output;
        lock (_output) output = _output.ToString();
        Dispose();
        throw new InvalidOperationException($"redis-server on port {Port} did not answer PING within {StartTimeout.TotalSeconds}s; its output:\n{output}");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
