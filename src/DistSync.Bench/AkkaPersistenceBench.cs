using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using PersistenceSettings = DistSync.Persistence.PersistenceSettings;
using PersistencePlugin = DistSync.Persistence.PersistencePlugin;
using DistSync.Persistence.Plugins;
using Microsoft.Data.Sqlite;

namespace DistSync.Bench;

/// <summary>
/// The Akka half of <c>./build.sh bench persistence</c> (the default mode): ReceivePersistentActors persisting back
/// to back (the next Persist from the previous handler) on the dsync plugins and, in the same run, on
/// Akka.Persistence.Sql 1.5.73 with provider SQLite.MS (its own database file, WAL). Reports events/s and the
/// p50/p99 latency from the Persist call to its handler; for the dsync plugins also the engine batches (one
/// transaction + fsync each) per 1,000 events, from <see cref="JournalPluginMetrics"/>.
/// </summary>
internal static class AkkaPersistenceBench
{
    public sealed record Result(double EventsPerSecond, double P50, double P99, double? BatchesPer1000);

    /// <summary>Plugins this mode knows: the dsync engines (each also with encryption at rest, suffix <c>-enc</c>), and
    /// Akka.Persistence.Sql on SQLite.</summary>
    public static readonly string[] Plugins =
        ["dsync-sqlite", "akka-sql-sqlite", "dsync-redis", "dsync-inmem", "dsync-sqlite-enc", "dsync-redis-enc", "dsync-inmem-enc"];

    /// <summary>The suffix of a dsync plugin with encryption at rest on (a fresh keyring per run).</summary>
    public const string EncryptedSuffix = "-enc";

    public static async Task<Result> RunAsync(string plugin, int actorCount, double seconds, byte[] payload, string dataDir, string? redisEndpoint)
    {
        var directory = Path.Combine(dataDir, $"{plugin}-{actorCount}");
        Directory.CreateDirectory(directory);
        var encrypted = plugin.EndsWith(EncryptedSuffix, StringComparison.Ordinal);
        var engine = encrypted ? plugin[..^EncryptedSuffix.Length] : plugin;
        PersistenceSettings? settings = engine switch
        {
            "dsync-sqlite" => new PersistenceSettings { NodeId = "bench", DataDirectory = directory },
            "dsync-inmem" => new PersistenceSettings { JournalPlugin = PersistencePlugin.InMem, SnapshotStorePlugin = PersistencePlugin.InMem },
            "dsync-redis" => new PersistenceSettings
            {
                // the plugin in the prefix: an encrypted run must not recover a plaintext run's events, nor the reverse
                NodeId = $"bench-{plugin}-{actorCount}",
                JournalPlugin = PersistencePlugin.Redis,
                SnapshotStorePlugin = PersistencePlugin.Redis,
                RedisConfiguration = redisEndpoint ?? throw new InvalidOperationException("dsync-redis needs a redis-server"),
            },
            "akka-sql-sqlite" => null,
            _ => throw new ArgumentException($"unknown plugin '{plugin}' ({string.Join(" | ", Plugins)})"),
        };
        if (encrypted && settings is not null)
        {
            var keyFile = Path.Combine(directory, "data.key");
            if (!File.Exists(keyFile)) DistSync.Security.DataKeyring.Create(keyFile).Dispose();
            settings = settings with { DataKeyFile = keyFile };
        }
        var setup = settings is not null
            ? PersistencePlugins.Setup(settings, fallback: Quiet)
            : Akka.Actor.Setup.ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(SqlConfig(Path.Combine(directory, "akka-persistence.db"))));
        var system = ActorSystem.Create($"bench-{plugin}-{actorCount}", setup);
        try
        {
            var run = new RunState(actorCount);
            for (var i = 0; i < actorCount; i++)
            {
                var slot = i;
                system.ActorOf(Props.Create(() => new WriterActor($"bench-{slot}", run, run.Latencies[slot], payload)), $"writer-{slot}");
            }
            await run.AllRecovered.Task.WaitAsync(TimeSpan.FromMinutes(2));
            await Task.Delay(TimeSpan.FromSeconds(1)); // warm-up: JIT, connections, the first batches
            var metrics = plugin.StartsWith("dsync", StringComparison.Ordinal) ? JournalPluginMetrics.For(system) : null;
            var batchesBefore = metrics?.Batches ?? 0;
            var started = Stopwatch.GetTimestamp();
            Volatile.Write(ref run.Recording, true);
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            Volatile.Write(ref run.Recording, false);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var batches = (metrics?.Batches ?? 0) - batchesBefore;
            Volatile.Write(ref run.Running, false);
            await run.AllStopped.Task.WaitAsync(TimeSpan.FromMinutes(2));
            return Summarize(run, elapsed, metrics is null ? null : batches);
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>Write streams of Akka.Persistence.Sql (<c>--sql-parallelism</c>); 1 as recommended for SQLite, its
    /// default is 3.</summary>
    public static int SqlParallelism { get; set; } = 1;

    /// <summary>What the Akka.Persistence.Sql database file runs with, printed under the table.</summary>
    public static string SqlPragmas { get; private set; } = "n/a";

    private static Config Quiet => ConfigurationFactory.ParseString("akka.loglevel = WARNING");

    /// <summary>Akka.Persistence.Sql on SQLite as AKKA-PORT §5b recommends: a separate file (its default table names
    /// collide with DistSync's), WAL set once up front (the plugin sets no pragmas), one writer (parallelism 1: SQLite
    /// has one write lock; <see cref="SqlParallelism"/>), batches of up to 1,000 rows and room for 20,000 queued writes.</summary>
    private static Config SqlConfig(string databasePath)
    {
        using (var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False"))
        {
            connection.Open();
            using var wal = connection.CreateCommand();
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            var mode = wal.ExecuteScalar();
            // synchronous is per connection and the plugin sets none: this is what its connections get too.
            wal.CommandText = "PRAGMA synchronous;";
            SqlPragmas = $"journal_mode={mode}, synchronous={wal.ExecuteScalar()} (2 = FULL)";
        }
        var connectionString = $"Data Source={databasePath}";
        return ConfigurationFactory.ParseString($$"""
            akka.loglevel = WARNING
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql {
                  connection-string = "{{connectionString}}"
                  provider-name = "SQLite.MS"
                  auto-initialize = true
                  parallelism = {{SqlParallelism}}
                  batch-size = 1000
                  buffer-size = 20000
                }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql {
                  connection-string = "{{connectionString}}"
                  provider-name = "SQLite.MS"
                  auto-initialize = true
                }
              }
            }
            """).WithFallback(Akka.Persistence.Sql.SqlPersistence.DefaultConfiguration); // the plugin's reference.conf is not loaded on its own
    }

    private static Result Summarize(RunState run, double elapsed, long? batches)
    {
        var total = run.Latencies.Sum(l => l.Count);
        var all = new long[total];
        var k = 0;
        foreach (var l in run.Latencies)
        {
            l.CopyTo(all, k);
            k += l.Count;
        }
        Array.Sort(all);
        double Percentile(double p) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(p * all.Length))] * 1_000_000.0 / Stopwatch.Frequency;
        return new Result(total / elapsed, Percentile(0.50), Percentile(0.99), batches is { } b && total > 0 ? b * 1000.0 / total : null);
    }

    public static string Row(string plugin, int actors, Result r) => string.Create(CultureInfo.InvariantCulture,
        $"| {plugin} | {actors} | {r.EventsPerSecond:N0} | {Micros(r.P50)} | {Micros(r.P99)} | {(r.BatchesPer1000 is { } b ? b.ToString("0.0", CultureInfo.InvariantCulture) : "n/a")} |");

    private static string Micros(double us) => us >= 1000
        ? string.Create(CultureInfo.InvariantCulture, $"{us / 1000:0.00} ms")
        : string.Create(CultureInfo.InvariantCulture, $"{us:0} µs");

    /// <summary>Shared between the driver and its actors; each actor writes only its own latency list.</summary>
    private sealed class RunState(int actors)
    {
        public bool Running = true;
        public bool Recording;
        public readonly List<long>[] Latencies = Enumerable.Range(0, actors).Select(_ => new List<long>(1 << 16)).ToArray();
        public readonly TaskCompletionSource AllRecovered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource AllStopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _recovered;
        private int _stopped;

        public void Recovered()
        {
            if (Interlocked.Increment(ref _recovered) == Latencies.Length) AllRecovered.TrySetResult();
        }

        public void Stopped()
        {
            if (Interlocked.Increment(ref _stopped) == Latencies.Length) AllStopped.TrySetResult();
        }
    }

    /// <summary>Persists back to back: the next Persist is issued from the handler of the previous one.</summary>
    private sealed class WriterActor : ReceivePersistentActor
    {
        private readonly RunState _run;
        private readonly List<long> _latencies;
        private readonly byte[] _payload;
        private readonly Action<byte[]> _onPersisted;
        private long _persistStarted;

        public WriterActor(string persistenceId, RunState run, List<long> latencies, byte[] payload)
        {
            PersistenceId = persistenceId;
            _run = run;
            _latencies = latencies;
            _payload = payload;
            _onPersisted = OnPersisted;
            Recover<RecoveryCompleted>(_ =>
            {
                _run.Recovered();
                PersistNext();
            });
            Recover<byte[]>(_ => { });
        }

        public override string PersistenceId { get; }

        private void PersistNext()
        {
            _persistStarted = Stopwatch.GetTimestamp();
            Persist(_payload, _onPersisted);
        }

        private void OnPersisted(byte[] _)
        {
            if (Volatile.Read(ref _run.Recording)) _latencies.Add(Stopwatch.GetTimestamp() - _persistStarted);
            if (Volatile.Read(ref _run.Running)) PersistNext();
            else _run.Stopped();
        }
    }
}
