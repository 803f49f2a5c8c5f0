using DistSync.Node.Tests;
using Xunit.Abstractions;

namespace DistSync.Client.Tests;

/// <summary>
/// The barrier across a crash of the meta leader's process (SIGKILL): two participants wait at it through the
/// failover, the third enters afterwards through a surviving node, and all three pass; a late one passes at once.
/// </summary>
[Collection(NodeProcessCollection.Name)]
public class BarrierKillProcessSpec(ITestOutputHelper log)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Participants_waiting_through_a_kill_of_the_raft_leader_pass_once_the_last_one_enters()
    {
        using var cluster = await NodeProcessCluster.StartAsync(log);
        var sessions = new List<DistSyncSession>();
        var clients = new List<DistSyncClient>();
        try
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            async Task<(DistSyncClient, DistSyncSession)> Participant(int first)
            {
                var client = cluster.Client(first);
                clients.Add(client);
                var session = await client.StartSessionAsync(Ttl);
                sessions.Add(session);
                return (client, session);
            }

            // 1. two of three participants enter and wait
            var (c1, s1) = await Participant(0);
            var (c2, s2) = await Participant(1);
            var enter1 = c1.Barrier("start", 3).EnterAsync(s1, stop.Token);
            var enter2 = c2.Barrier("start", 3).EnterAsync(s2, stop.Token);
            await Eventually.Until(() => c1.CountAsync("barriers/start/participants/"), n => n == 2, Patience, "two participants entered");
            Assert.False(enter1.IsCompleted || enter2.IsCompleted, "the barrier opened with two of three");

            // 2. kill -9 the meta leader; the two keep waiting
            var (killed, _) = await cluster.KillLeaderAsync();
            Assert.False(enter1.IsCompleted || enter2.IsCompleted, "the barrier opened with two of three");

            // 3. the third enters through a surviving node: all three pass
            var (c3, s3) = await Participant((killed + 1) % NodeProcessCluster.Size);
            await c3.Barrier("start", 3).EnterAsync(s3, stop.Token).WaitAsync(Patience);
            await Task.WhenAll(enter1, enter2).WaitAsync(Patience);
            Assert.True(await c3.Barrier("start", 3).IsOpenAsync(stop.Token));
            Assert.Equal("3", (await c3.GetAsync("barriers/start/ready", ct: stop.Token))!.Value);

            // 4. a late participant passes at once: the ready marker outlives the sessions
            var (c4, s4) = await Participant((killed + 2) % NodeProcessCluster.Size);
            await c4.Barrier("start", 3).EnterAsync(s4, stop.Token).WaitAsync(Patience);
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
}
