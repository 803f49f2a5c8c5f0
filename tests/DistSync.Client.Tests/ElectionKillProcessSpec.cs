using System.Collections.Concurrent;
using DistSync.Client.Contracts;
using DistSync.Node.Tests;
using Xunit.Abstractions;

namespace DistSync.Client.Tests;

/// <summary>
/// The election recipe across a crash of the meta leader's process (SIGKILL): the elected leader keeps leading
/// through the surviving nodes (its session's keepalives fail over), the waiting candidate keeps waiting, the
/// observer keeps observing, and when the leader's session ends the waiting candidate is elected.
/// </summary>
[Collection(NodeProcessCollection.Name)]
public class ElectionKillProcessSpec(ITestOutputHelper log)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_leader_keeps_leading_across_a_kill_of_the_raft_leader_and_the_next_candidate_leads_when_its_session_ends()
    {
        using var cluster = await NodeProcessCluster.StartAsync(log);
        try
        {
            // 1. candidate a (its client starts at the meta leader) is elected; b waits behind it; an observer follows
            var raftLeader = await cluster.WaitForLeaderAsync();
            using var clientA = cluster.Client(first: raftLeader);
            using var clientB = cluster.Client(first: raftLeader + 1);
            using var observer = cluster.Client(first: raftLeader + 2);
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            await using var sessionA = await clientA.StartSessionAsync(Ttl);
            await using var sessionB = await clientB.StartSessionAsync(Ttl);
            var leadershipA = await clientA.Election("primary").CampaignAsync(sessionA, "a", stop.Token).WaitAsync(Patience);
            Assert.Equal(("election/primary/" + sessionA.SessionId, "a"), (leadershipA.Key, leadershipA.Value));

            var observed = new ConcurrentQueue<KvGetResponse>();
            var observing = Task.Run(async () =>
            {
                await foreach (var leader in observer.Election("primary").ObserveAsync(stop.Token)) observed.Enqueue(leader);
            });
            var campaignB = clientB.Election("primary").CampaignAsync(sessionB, "b", stop.Token);
            await Eventually.Until(() => observer.CountAsync("election/primary/"), n => n == 2, Patience, "both candidates' keys");
            await Eventually.Until(() => Task.FromResult(observed.Count), n => n == 1, Patience, "the observer sees a lead");

            // 2. kill -9 the meta leader's process; the others elect a new Raft leader
            var (killed, newRaftLeader) = await cluster.KillLeaderAsync();
            log.WriteLine($"killed n{killed + 1}, new meta leader n{newRaftLeader + 1}");

            // 3. a still leads: its session lived through the failover (keepalives accepted after it), b still waits
            var keepAlives = sessionA.KeepAlives;
            await Eventually.Until(() => Task.FromResult(sessionA.KeepAlives), n => n >= keepAlives + 2, Patience, "keepalives of a after the kill");
            var leaderNow = await observer.Election("primary").LeaderAsync(stop.Token).WaitAsync(Patience);
            Assert.Equal((sessionA.SessionId, "a", leadershipA.CreateVersion), (leaderNow!.SessionId, leaderNow.Value, leaderNow.CreateVersion));
            Assert.False(leadershipA.Lost.IsCancellationRequested, $"a lost its session: {sessionA.LostReason}");
            Assert.False(campaignB.IsCompleted, "b was elected while a led");

            // 4. a's session ends: its key goes with it and b is elected; the observer saw a, then b
            await sessionA.DisposeAsync();
            var leadershipB = await campaignB.WaitAsync(Patience);
            Assert.Equal((sessionB.SessionId, "b"), (leadershipB.SessionId, leadershipB.Value));
            Assert.True(leadershipB.CreateVersion > leadershipA.CreateVersion);
            await Eventually.Until(() => Task.FromResult(observed.Count), n => n >= 2, Patience, "the observer sees the new leader");
            Assert.Equal(["a", "b"], observed.Select(l => l.Value));

            // 5. b resigns: no leader is left
            Assert.True(await leadershipB.ResignAsync(stop.Token));
            Assert.Null(await observer.Election("primary").LeaderAsync(stop.Token));
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => observing);
        }
        catch
        {
            cluster.DumpOutput();
            throw;
        }
    }
}
