using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using DistSync.Persistence;
using Microsoft.Data.Sqlite;

namespace DistSync.Bench;

/// <summary>
/// <c>./build.sh bench persistence [--seconds S] [--actors 1,16,64] [--plugins P,Q] [--payload BYTES] [--data-dir DIR] [--sql-parallelism N]</c>
/// Akka ReceivePersistentActors on the dsync SQLite plugin and on Akka.Persistence.Sql (SQLite.MS) in the same run,
/// side by side (<see cref="AkkaPersistenceBench"/>; plugins dsync-sqlite, akka-sql-sqlite, dsync-redis, dsync-inmem, and
/// dsync-sqlite-enc, dsync-redis-enc, dsync-inmem-enc with encryption at rest on):
/// each actor persists events back to back (the next Persist is issued from the previous one's handler) for S seconds
/// after a warm-up; reports events/s, p50/p99 Persist latency (Persist call to handler) and engine batches. Also measures this disk's raw fsync latency. Redis runs as a private
/// redis-server with appendonly yes + appendfsync always, so both backends fsync every acknowledged batch.
/// </summary>
public sealed class PersistenceBench : IBenchmark
{
    public string Name => "persistence";

    public string Description => "persistent actors on sqlite/redis: events/s, p50/p99 Persist latency, fsyncs per 1,000 events";

    public async Task<int> RunAsync(string[] args)
    {
        var seconds = 5.0;
        int[]? actorCounts = null;
        string[]? plugins = null;
        var payloadSize = 128;
        var dataDir = Path.Combine(Directory.GetCurrentDirectory(), "artifacts", "bench-persistence");
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--seconds" when value is not null: seconds = double.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--actors" when value is not null: actorCounts = value.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray(); i++; break;
                case "--plugins" when value is not null: plugins = value.Split(','); i++; break;
                case "--payload" when value is not null: payloadSize = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--data-dir" when value is not null: dataDir = Path.GetFullPath(value); i++; break;
                case "--sql-parallelism" when value is not null: AkkaPersistenceBench.SqlParallelism = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                default:
                    Console.Error.WriteLine($"persistence: unknown or incomplete argument '{args[i]}'");
                    return 2;
            }
        }
        if (Directory.Exists(dataDir)) Directory.Delete(dataDir, recursive: true);
        Directory.CreateDirectory(dataDir);
        return await RunAkkaAsync(actorCounts ?? [1, 16, 64], plugins ?? ["dsync-sqlite", "akka-sql-sqlite"], seconds, payloadSize, dataDir);
    }

    /// <summary>Akka mode: for each actor count every plugin runs back to back, so the rows compared were measured
    /// minutes apart at most, on the same machine state.</summary>
    private static async Task<int> RunAkkaAsync(int[] actorCounts, string[] plugins, double seconds, int payloadSize, string dataDir)
    {
        foreach (var plugin in plugins)
        {
            if (Array.IndexOf(AkkaPersistenceBench.Plugins, plugin) < 0)
            {
                Console.Error.WriteLine($"persistence: unknown plugin '{plugin}' in mode akka ({string.Join(" | ", AkkaPersistenceBench.Plugins)})");
                return 2;
            }
        }
        Console.WriteLine($"persistence bench (Akka.Persistence): {seconds}s per run after a 1s warm-up, {payloadSize}-byte events, data under {dataDir}");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {LoadAverage()}");
        MeasureFsync(dataDir);
        Console.WriteLine();
        RedisServer? redis = null;
        try
        {
            if (plugins.Any(p => p.StartsWith("dsync-redis", StringComparison.Ordinal)))
            {
                redis = RedisServer.TryStart(Path.Combine(dataDir, "redis"));
                if (redis is null)
                {
                    Console.Error.WriteLine("persistence: dsync-redis needs redis-server (apt-get install -y redis-server)");
                    return 1;
                }
            }
            var payload = new byte[payloadSize];
            new Random(42).NextBytes(payload);
            Console.WriteLine("| plugin | actors | events/s | p50 Persist | p99 Persist | engine batches per 1,000 events |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            var results = new Dictionary<(string, int), AkkaPersistenceBench.Result>();
            foreach (var actors in actorCounts)
            {
                foreach (var plugin in plugins)
                {
                    var r = await AkkaPersistenceBench.RunAsync(plugin, actors, seconds, payload, dataDir, redis?.Endpoint);
                    results[(plugin, actors)] = r;
                    Console.WriteLine(AkkaPersistenceBench.Row(plugin, actors, r));
                }
            }
            if (plugins.Contains("dsync-sqlite") && plugins.Contains("akka-sql-sqlite"))
            {
                Console.WriteLine();
                Console.WriteLine("| actors | dsync-sqlite events/s | akka-sql-sqlite events/s | ratio | dsync p99 | akka-sql p99 |");
                Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
                foreach (var actors in actorCounts)
                {
                    var d = results[("dsync-sqlite", actors)];
                    var a = results[("akka-sql-sqlite", actors)];
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {actors} | {d.EventsPerSecond:N0} | {a.EventsPerSecond:N0} | {d.EventsPerSecond / Math.Max(1, a.EventsPerSecond):0.00}x | {Micros(d.P99)} | {Micros(a.P99)} |"));
                }
            }
            PrintEncryptionCost(actorCounts, plugins, results);
        }
        finally
        {
            redis?.Dispose();
        }
        Console.WriteLine();
        Console.WriteLine("Persist latency = from the Persist call to its handler (event durable). dsync-sqlite runs WAL + synchronous=FULL (one fsync per transaction);");
        Console.WriteLine($"akka-sql-sqlite's file: {AkkaPersistenceBench.SqlPragmas}; parallelism {AkkaPersistenceBench.SqlParallelism}, batch-size 1000. Engine batches: dsync journal transactions (JournalPluginMetrics); Akka.Persistence.Sql does not expose its count.");
        Console.WriteLine($"CPU pressure while running (/proc/pressure/cpu, share of time runnable tasks waited for a CPU): {CpuPressure()}");
        return 0;
    }

    /// <summary>For every plugin run both plain and with encryption at rest: what sealing costs, side by side.</summary>
    private static void PrintEncryptionCost(int[] actorCounts, string[] plugins, Dictionary<(string, int), AkkaPersistenceBench.Result> results)
    {
        var pairs = plugins.Where(p => plugins.Contains(p + AkkaPersistenceBench.EncryptedSuffix)).ToArray();
        if (pairs.Length == 0) return;
        Console.WriteLine();
        Console.WriteLine("| plugin | actors | plain events/s | encrypted events/s | encrypted/plain | plain p99 | encrypted p99 |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var plugin in pairs)
        {
            foreach (var actors in actorCounts)
            {
                var plain = results[(plugin, actors)];
                var sealedRun = results[(plugin + AkkaPersistenceBench.EncryptedSuffix, actors)];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {plugin} | {actors} | {plain.EventsPerSecond:N0} | {sealedRun.EventsPerSecond:N0} | {sealedRun.EventsPerSecond / Math.Max(1, plain.EventsPerSecond):0.00}x | {Micros(plain.P99)} | {Micros(sealedRun.P99)} |"));
            }
        }
    }

    /// <summary>Raw fsync cost of this disk: small SQLite transactions (WAL, synchronous=FULL) and plain write+fsync.</summary>
    private static void MeasureFsync(string dataDir)
    {
        const int rounds = 300;
        var path = Path.Combine(dataDir, "fsync-probe.db");
        var samples = new double[rounds];
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using (var setup = connection.CreateCommand())
            {
                setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB);";
                setup.ExecuteNonQuery();
            }
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO t (v) VALUES ($v);";
            var v = insert.Parameters.Add("$v", SqliteType.Blob);
            v.Value = new byte[128];
            insert.Prepare();
            for (var i = 0; i < rounds; i++)
            {
                var start = Stopwatch.GetTimestamp();
                using (var tx = connection.BeginTransaction())
                {
                    insert.Transaction = tx;
                    insert.ExecuteNonQuery();
                    tx.Commit();
                }
                samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
        }
        Report("SQLite 1-row transaction (WAL, synchronous=FULL)", samples);

        using (var file = new FileStream(Path.Combine(dataDir, "fsync-probe.bin"), FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None))
        {
            var block = new byte[4096];
            for (var i = 0; i < rounds; i++)
            {
                var start = Stopwatch.GetTimestamp();
                file.Write(block);
                file.Flush(flushToDisk: true);
                samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
        }
        Report("4 KiB append + fsync", samples);
    }

    private static void Report(string what, double[] samples)
    {
        var sorted = (double[])samples.Clone();
        Array.Sort(sorted);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fsync latency, {what}: p50 {sorted[sorted.Length / 2]:0} µs, p99 {sorted[(int)(sorted.Length * 0.99)]:0} µs, mean {sorted.Average():0} µs ({sorted.Length} rounds)"));
    }

    private static string Micros(double us) => us >= 1000
        ? string.Create(CultureInfo.InvariantCulture, $"{us / 1000:0.00} ms")
        : string.Create(CultureInfo.InvariantCulture, $"{us:0} µs");

    private static string CpuPressure()
    {
        try
        {
            var line = File.ReadAllLines("/proc/pressure/cpu")[0];
            return line.Split(' ')[1].Replace("avg10=", "", StringComparison.Ordinal) + "% (last 10 s)";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return "n/a";
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    /// <summary>A private redis-server (AOF, appendfsync always) on a free loopback port.</summary>
    private sealed class RedisServer : IDisposable
    {
        private readonly Process _process;

        private RedisServer(Process process, int port)
        {
            _process = process;
            Endpoint = $"127.0.0.1:{port}";
        }

        public string Endpoint { get; }

        public static RedisServer? TryStart(string directory)
        {
            var binary = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);
            if (binary is null) return null;
            Directory.CreateDirectory(directory);
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "",
                         "--appendonly", "yes", "--appendfsync", "always", "--dir", directory })
                start.ArgumentList.Add(a);
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline && !process.HasExited)
            {
                try
                {
                    using var client = new TcpClient();
                    client.Connect(IPAddress.Loopback, port);
                    client.GetStream().Write("PING\r\n"u8);
                    var buffer = new byte[8];
                    if (client.GetStream().Read(buffer) > 0 && buffer[0] == (byte)'+') return new RedisServer(process, port);
                }
                catch (SocketException)
                {
                    // still starting
                }
                Thread.Sleep(50); // polling a starting redis-server (bounded by 30 s); there is no event to await
            }
            process.Kill();
            throw new InvalidOperationException($"redis-server on port {port} did not answer PING within 30 s");
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill();
            _process.WaitForExit(10_000);
            _process.Dispose();
        }
    }
}
