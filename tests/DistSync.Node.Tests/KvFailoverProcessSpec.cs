using System.Globalization;
using System.Net;
using DistSync.Client;
using DistSync.Client.Contracts;
using DistSync.Linearizability;
using DistSync.Linearizability.Models;
using Xunit.Abstractions;

namespace DistSync.Node.Tests;

/// <summary>
/// Issue 6 item 7: three real node processes (SQLite journal, fsync on) under a KV load from several clients;
/// the leader is killed with SIGKILL and restarted. Afterwards every acknowledged write is still there and the
/// recorded history is linearizable (KvModel, per key, versions checked). Timeouts and 503s are unknown outcomes.
/// </summary>
public class KvFailoverProcessSpec(ITestOutputHelper log)
{
    private const int Clients = 4;
    private static readonly string[] Keys = ["k0", "k1", "k2", "k3", "k4"];
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private sealed class Cluster : IDisposable
    {
        public required string DataRoot { get; init; }
        public required int[] Http { get; init; }
        public required int[] Remote { get; init; }
        public NodeProcess?[] Processes { get; } = new NodeProcess?[3];

        public string Founders => string.Join(",", Remote.Select((p, i) => $"n{i + 1}@127.0.0.1:{p}"));

        public void Start(int i) =>
            Processes[i] = NodeProcess.StartMember($"n{i + 1}", Http[i], Remote[i], Remote.Where((_, j) => j != i), Path.Combine(DataRoot, $"n{i + 1}"),
                Founders, "dsync.http.request-timeout=2s");

        public void Dispose()
        {
            foreach (var p in Processes) p?.Dispose();
            try
            {
                Directory.Delete(DataRoot, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
    }

    [Fact]
    public async Task Acknowledged_writes_survive_killing_the_leader_and_the_history_is_linearizable()
    {
        using var cluster = new Cluster
        {
            DataRoot = Path.Combine(Path.GetTempPath(), "dsync-failover-" + Guid.NewGuid().ToString("N")),
            Http = TestPorts.Free(3),
            Remote = TestPorts.Free(3),
        };
        var nodeClients = cluster.Http.Select(p => new DistSyncClient($"127.0.0.1:{p}", TimeSpan.FromSeconds(4))).ToArray();
        var recorder = new HistoryRecorder<KvInput, KvOutput>();
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<(string Key, string Value, long Version)>();
        try
        {
            // 1. start three node processes founding one group; wait for a leader seen by all
            for (var i = 0; i < 3; i++) cluster.Start(i);
            var leader = await WaitForLeaderAsync(nodeClients, [0, 1, 2]);
            log.WriteLine($"leader n{leader + 1}");

            // 2. clients write and read while the phases run
            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, Clients)
                .Select(c => Task.Run(() => ClientLoopAsync(c, nodeClients, recorder, acknowledged, stop.Token)))
                .ToArray();
            await Task.Delay(TimeSpan.FromSeconds(4));

            // 3. kill -9 the leader; the others elect a new one and commit
            cluster.Processes[leader]!.KillHard();
            var survivors = Enumerable.Range(0, 3).Where(i => i != leader).ToArray();
            var newLeader = await WaitForLeaderAsync(nodeClients, survivors);
            log.WriteLine($"after kill: leader n{newLeader + 1}; ops so far {recorder.Count}");
            await Task.Delay(TimeSpan.FromSeconds(3));

            // 4. restart the old leader from its journal; it rejoins and catches up
            cluster.Processes[leader]!.Dispose();
            cluster.Start(leader);
            await WaitForLeaderAsync(nodeClients, [0, 1, 2]);
            await Task.Delay(TimeSpan.FromSeconds(3));

            // 5. stop the clients; read every key through every node (linearizable), recorded too
            await stop.CancelAsync();
            await Task.WhenAll(workers);
            var final = new Dictionary<string, KvGetResponse?>();
            for (var n = 0; n < 3; n++)
            {
                foreach (var key in Keys)
                {
                    var call = recorder.Call(100 + n, KvInput.Get(key));
                    var got = await Eventually.Until(() => nodeClients[n].GetAsync(key), _ => true, Patience, $"final read of {key} on n{n + 1}");
                    recorder.Return(call, got is null ? KvOutput.NotFound : KvOutput.Found(got.Value, got.Version));
                    if (n == 0) final[key] = got;
                    else Assert.Equal(final[key], got);
                }
            }

            // 6. every acknowledged write is present: the key's final version is at least the write's, and equal only with its value
            Assert.True(acknowledged.Count > 20, $"only {acknowledged.Count} writes were acknowledged");
            foreach (var (key, value, version) in acknowledged)
            {
                var now = final[key];
                Assert.True(now is not null && now.Version >= version, $"acknowledged write {key}={value} v{version} lost; now {now}");
                if (now!.Version == version) Assert.Equal(value, now.Value);
            }

            // 7. the whole history is linearizable
            var history = recorder.ToHistory();
            var result = LinearizabilityChecker.Check(new KvModel(checkVersions: true), history, TimeSpan.FromSeconds(60));
            log.WriteLine($"{history.Count} operations, {acknowledged.Count} acknowledged writes, check {result.Outcome} in {result.Elapsed.TotalSeconds:0.0} s");
            if (!result.IsOk) result.WriteReport(Path.Combine(Path.GetTempPath(), "kv-failover-history.txt"));
            Assert.True(result.IsOk, result.Explain());
        }
        catch
        {
            foreach (var p in cluster.Processes) log.WriteLine(p?.Output ?? "");
            throw;
        }
        finally
        {
            foreach (var c in nodeClients) c.Dispose();
        }
    }

    private static async Task<int> WaitForLeaderAsync(DistSyncClient[] clients, int[] nodes)
    {
        var leaders = await Eventually.Until(
            async () =>
            {
                var seen = new string?[nodes.Length];
                for (var i = 0; i < nodes.Length; i++) seen[i] = (await clients[nodes[i]].GetStatusAsync()).Leader;
                return seen;
            },
            seen => seen[0] is not null && seen.All(l => l == seen[0]) && nodes.Contains(int.Parse(seen[0]![1..], CultureInfo.InvariantCulture) - 1),
            Patience, "a leader seen by every live node");
        return int.Parse(leaders[0]![1..], CultureInfo.InvariantCulture) - 1;
    }

    private static async Task ClientLoopAsync(int client, DistSyncClient[] nodes, HistoryRecorder<KvInput, KvOutput> recorder,
        System.Collections.Concurrent.ConcurrentBag<(string, string, long)> acknowledged, CancellationToken stop)
    {
        var random = new Random(1000 + client);
        var node = client % nodes.Length;
        var lastVersion = new Dictionary<string, long>();
        var n = 0;
        while (!stop.IsCancellationRequested)
        {
            var key = Keys[random.Next(Keys.Length)];
            var value = $"c{client}-{n++}";
            var input = random.Next(10) switch
            {
                < 4 => KvInput.Get(key),
                < 8 => KvInput.Put(key, value),
                _ => KvInput.CompareAndSet(key, value, lastVersion.GetValueOrDefault(key, 0)),
            };
            var call = recorder.Call(client, input);
            try
            {
                KvOutput output;
                if (input.Kind == KvOperationKind.Get)
                {
                    var got = await nodes[node].GetAsync(key);
                    output = got is null ? KvOutput.NotFound : KvOutput.Found(got.Value, got.Version);
                    if (got is not null) lastVersion[key] = got.Version;
                }
                else
                {
                    try
                    {
                        var put = await nodes[node].PutAsync(key, value, input.ExpectedVersion);
                        output = KvOutput.Written(put.Version);
                        lastVersion[key] = put.Version;
                        acknowledged.Add((key, value, put.Version));
                    }
                    catch (VersionMismatchException)
                    {
                        output = KvOutput.VersionMismatch;
                    }
                }
                recorder.Return(call, output);
            }
            catch (Exception e) when (e is NodeUnreachableException or DistSyncApiException { StatusCode: HttpStatusCode.ServiceUnavailable })
            {
                // Unknown outcome; try another node next time (this one may be dead or cut off).
                recorder.TimedOut(call);
                node = (node + 1) % nodes.Length;
            }
        }
    }
}
