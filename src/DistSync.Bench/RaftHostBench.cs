using DistSync.Raft;
using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using DistSync.Persistence;
using DistSync.Raft.Hosting;

namespace DistSync.Bench;

/// <summary>
/// <c>./build.sh bench raft-host [--seconds S] [--clients 1,16,64] [--payload BYTES] [--data-dir DIR] [--akka HOCON]</c>
/// Three hosted Raft nodes in this process over Akka.Remote on loopback, each journaling to its own SQLite file
/// (synchronous=FULL). Clients call <c>ProposeAsync</c> back to back on the leader's group for S seconds after
/// a warm-up; reports proposals/s and p50/p95/p99 latency (call to applied on the leader).
/// </summary>
public sealed class RaftHostBench : IBenchmark
{
    public string Name => "raft-host";

    public string Description => "3 in-process hosted Raft nodes on sqlite: proposals/s and p50/p95/p99 ProposeAsync latency";

    public async Task<int> RunAsync(string[] args)
    {
        var seconds = 5.0;
        var clientCounts = new[] { 1, 16, 64 };
        var payload = 100;
        var dataDir = Path.Combine(Directory.GetCurrentDirectory(), "artifacts", "bench-raft-host");
        var akkaOverrides = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--seconds" when value is not null: seconds = double.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--clients" when value is not null: clientCounts = value.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray(); i++; break;
                case "--payload" when value is not null: payload = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--data-dir" when value is not null: dataDir = Path.GetFullPath(value); i++; break;
                // extra Akka HOCON over the bench's own, to measure a setting: --akka 'akka.remote.dot-netty.tcp.batching.enabled = off'
                case "--akka" when value is not null: akkaOverrides.Add(value); i++; break;
                default:
                    Console.Error.WriteLine($"raft-host: unknown or incomplete argument '{args[i]}'");
                    return 2;
            }
        }

        Console.WriteLine($"raft-host bench: 3 nodes in one process, sqlite journals under {dataDir}, {payload}-byte commands, {seconds}s per run after a 1s warm-up");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores");
        Console.WriteLine("| clients | proposals/s | p50 | p95 | p99 |");
        Console.WriteLine("|---:|---:|---:|---:|---:|");
        foreach (var clients in clientCounts)
        {
            if (Directory.Exists(dataDir)) Directory.Delete(dataDir, recursive: true);
            var nodes = await StartClusterAsync(dataDir, string.Join("\n", akkaOverrides));
            try
            {
                var leader = await AwaitLeaderAsync(nodes);
                var (rate, latencies) = await DriveAsync(leader, clients, payload, seconds);
                latencies.Sort();
                Console.WriteLine($"| {clients} | {rate:N0} | {Pct(latencies, 0.50)} | {Pct(latencies, 0.95)} | {Pct(latencies, 0.99)} |");
            }
            finally
            {
                foreach (var (system, _) in nodes) await system.Terminate();
            }
        }
        return 0;
    }

    private static string Pct(List<double> sorted, double p) =>
        sorted.Count == 0 ? "-" : $"{sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))]:0.00} ms";

    private static async Task<List<(ActorSystem System, RaftHost Host)>> StartClusterAsync(string dataDir, string overrides)
    {
        var started = new List<(ActorSystem System, string Id)>();
        for (int i = 1; i <= 3; i++)
        {
            var id = "n" + i;
            var dir = Path.Combine(dataDir, id);
            Directory.CreateDirectory(dir);
            var akka = ConfigurationFactory.ParseString("""
                akka.loglevel = WARNING
                akka.actor.provider = cluster
                akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0, maximum-frame-size = 8MiB, send-buffer-size = 8MiB, receive-buffer-size = 8MiB }
                akka.cluster.downing-provider-class = "Akka.Cluster.NoDowning, Akka.Cluster"
                """);
            if (overrides.Length > 0) akka = ConfigurationFactory.ParseString(overrides).WithFallback(akka);
            var system = ActorSystem.Create("dsync", RaftSystemSetup.Create(akka, new PersistenceSettings { NodeId = id, DataDirectory = dir }));
            started.Add((system, id));
        }
        var members = started.Select(s => new RaftMember(s.Id, ((ExtendedActorSystem)s.System).Provider.DefaultAddress)).ToList();
        var result = new List<(ActorSystem, RaftHost)>();
        foreach (var (system, id) in started)
        {
            var host = await RaftHost.StartAsync(system, null, new RaftHostOptions
            {
                NodeId = id,
                InitialMembers = members,
                StateMachineFactory = () => new CountingStateMachine(),
                Settings = new RaftHostSettings { TickInterval = TimeSpan.FromMilliseconds(50), ElectionTick = 10, HeartbeatTick = 2 },
            });
            result.Add((system, host));
        }
        return result;
    }

    private static async Task<IRaftGroup> AwaitLeaderAsync(List<(ActorSystem System, RaftHost Host)> nodes)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var (_, host) in nodes)
                if (host.Meta.Status.Role == "leader") return host.Meta;
            await Task.Delay(20);
        }
        throw new TimeoutException("no leader within 30 s");
    }

    private static async Task<(double Rate, List<double> Latencies)> DriveAsync(IRaftGroup group, int clients, int payload, double seconds)
    {
        var command = new byte[payload];
        Array.Fill(command, (byte)'x');
        var warmUpEnds = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
        var measureEnds = warmUpEnds + (long)(seconds * Stopwatch.Frequency);
        var perClient = new List<double>[clients];
        var counts = new long[clients];
        var tasks = new Task[clients];
        for (int c = 0; c < clients; c++)
        {
            int me = c;
            perClient[me] = new List<double>();
            tasks[c] = Task.Run(async () =>
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds + 60));
                while (true)
                {
                    long start = Stopwatch.GetTimestamp();
                    if (start >= measureEnds) return;
                    await group.ProposeAsync(command, cts.Token);
                    long end = Stopwatch.GetTimestamp();
                    if (start >= warmUpEnds && end <= measureEnds)
                    {
                        counts[me]++;
                        perClient[me].Add((end - start) * 1000.0 / Stopwatch.Frequency);
                    }
                }
            });
        }
        await Task.WhenAll(tasks);
        var all = perClient.SelectMany(l => l).ToList();
        return (counts.Sum() / seconds, all);
    }

    /// <summary>Counts applied commands; the snapshot is the count.</summary>
    private sealed class CountingStateMachine : IRaftStateMachine
    {
        private long count;

        public ReadOnlyMemory<byte> Apply(AppliedEntry entry)
        {
            count++;
            return BitConverter.GetBytes(count);
        }

        public byte[] Snapshot() => BitConverter.GetBytes(count);

        public void Restore(ReadOnlySpan<byte> snapshot) => count = snapshot.Length == 8 ? BitConverter.ToInt64(snapshot) : 0;

        public long? NextDeadlineMs => null;

        public ReadOnlyMemory<byte> ExpireCommand => ReadOnlyMemory<byte>.Empty;
    }
}
