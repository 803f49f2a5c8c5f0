using System.Collections.Concurrent;
using DistSync.Client.Recipes;
using DistSync.Node.Tests;
using Xunit.Abstractions;

namespace DistSync.Client.Tests;

/// <summary>
/// The service registry across a crash of the meta leader's process (SIGKILL): the registered instances are still
/// listed, their sessions live on, and the watch keeps delivering the instance set as it changes.
/// </summary>
[Collection(NodeProcessCollection.Name)]
public class ServiceRegistryKillProcessSpec(ITestOutputHelper log)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Registered_instances_stay_listed_and_the_watch_keeps_delivering_across_a_kill_of_the_raft_leader()
    {
        using var cluster = await NodeProcessCluster.StartAsync(log);
        var sessions = new List<DistSyncSession>();
        var clients = new List<DistSyncClient>();
        try
        {
            // 1. three instances register, each through a client starting at another node; a watcher follows the set
            for (var i = 0; i < 3; i++)
            {
                var client = cluster.Client(first: i);
                clients.Add(client);
                var session = await client.StartSessionAsync(Ttl);
                sessions.Add(session);
                await client.ServiceRegistry("api").RegisterAsync(session, $"i{i + 1}", $"10.0.0.{i + 1}:80").WaitAsync(Patience);
            }
            using var watcher = cluster.Client(first: 2);
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            var sets = new ConcurrentQueue<IReadOnlyList<DistSyncServiceInstance>>();
            var watching = Task.Run(async () =>
            {
                await foreach (var set in watcher.ServiceRegistry("api").WatchAsync(stop.Token)) sets.Enqueue(set);
            });
            await Eventually.Until(() => Task.FromResult(Latest(sets)), ids => ids == "i1,i2,i3", Patience, "the watch's first set");

            // 2. kill -9 the meta leader
            await cluster.KillLeaderAsync();

            // 3. all three are still listed, with what they registered, and their sessions still live
            var listed = await watcher.ServiceRegistry("api").ListAsync(stop.Token).WaitAsync(Patience);
            Assert.Equal(["i1 10.0.0.1:80", "i2 10.0.0.2:80", "i3 10.0.0.3:80"], listed.Select(x => $"{x.InstanceId} {x.Endpoint}"));
            Assert.Equal(sessions.Select(s => s.SessionId), listed.Select(x => x.SessionId));
            foreach (var s in sessions)
            {
                var before = s.KeepAlives;
                await Eventually.Until(() => Task.FromResult(s.KeepAlives), n => n >= before + 2, Patience, $"keepalives of {s.SessionId} after the kill");
                Assert.False(s.Lost.IsCancellationRequested, $"{s.SessionId} was lost: {s.LostReason}");
            }

            // 4. the watch keeps delivering: a fourth instance registers, then the second one's session ends
            var client4 = cluster.Client(first: 1);
            clients.Add(client4);
            var session4 = await client4.StartSessionAsync(Ttl);
            sessions.Add(session4);
            await client4.ServiceRegistry("api").RegisterAsync(session4, "i4", "10.0.0.4:80").WaitAsync(Patience);
            await Eventually.Until(() => Task.FromResult(Latest(sets)), ids => ids == "i1,i2,i3,i4", Patience, "the set with i4");
            await sessions[1].DisposeAsync();
            await Eventually.Until(() => Task.FromResult(Latest(sets)), ids => ids == "i1,i3,i4", Patience, "the set without i2");
            Assert.Equal(["i1", "i3", "i4"], (await watcher.ServiceRegistry("api").ListAsync(stop.Token)).Select(x => x.InstanceId));
            Assert.False(watching.IsCompleted, $"the watch ended: {watching.Exception?.GetBaseException().Message}");
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watching);
        }
        catch
        {
            cluster.DumpOutput();
            throw;
        }
        finally
        {
            foreach (var s in sessions) await s.DisposeAsync();
            foreach (var c in clients) c.Dispose();
        }
    }

    private static string Latest(ConcurrentQueue<IReadOnlyList<DistSyncServiceInstance>> sets) =>
        sets.IsEmpty ? "" : string.Join(",", sets.Last().Select(x => x.InstanceId));
}
