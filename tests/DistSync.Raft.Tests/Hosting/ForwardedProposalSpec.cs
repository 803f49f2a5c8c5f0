using DistSync.Raft.Hosting;

namespace DistSync.Raft.Tests.Hosting;

/// <summary>
/// A proposal made on a follower is relayed to the leader without waiting for the follower's own journal, and
/// fails as "outcome unknown" as soon as the follower learns that the leader it went to was replaced.
/// </summary>
public sealed class ForwardedProposalSpec
{
    [Fact]
    public async Task A_follower_relays_a_proposal_to_the_leader_while_its_own_journal_write_is_stalled()
    {
        // 1. three nodes whose journals can be stalled; a leader, every node has written once
        var journals = new[] { new GatedJournal(), new GatedJournal(), new GatedJournal() };
        await using var cluster = await HostedCluster.StartAsync(3, HostedNode.FastSettings(), journals: journals);
        try
        {
            var leader = await cluster.AwaitLeaderAsync();
            var follower = cluster.Nodes.First(n => n != leader);
            using var ok = new CancellationTokenSource(HostedCluster.Generous);
            await follower.ProposeAsync("warm-up", ok.Token);

            // 2. the follower's disk stalls in the middle of persisting an append from the leader
            var stalled = journals[cluster.Nodes.IndexOf(follower)];
            stalled.Close();
            await leader.ProposeAsync("appended-while-stalled", ok.Token); // commits with the other follower
            await stalled.WriteHeld.WaitAsync(HostedCluster.Generous);

            // 3. a proposal on that follower still reaches the leader and commits (the stalled write never finishes
            //    during this step, so a relay that waited for it would hit the deadline)
            await follower.ProposeAsync("via-stalled-follower", ok.Token);
            var onLeader = await leader.LocalItemsAsync(ok.Token);
            Assert.Equal(["warm-up", "appended-while-stalled", "via-stalled-follower"], onLeader);

            // 4. once its disk recovers the follower catches up
            stalled.Open();
            await HostedCluster.AwaitAppliedAsync(cluster.Nodes, onLeader);
        }
        finally
        {
            foreach (var j in journals) j.Open();
        }
    }

    [Fact]
    public async Task A_proposal_forwarded_to_a_leader_that_is_replaced_fails_as_outcome_unknown_without_waiting_for_the_forward_timeout()
    {
        // 1. three nodes whose journals can be stalled; a leader and a follower
        var journals = new[] { new GatedJournal(), new GatedJournal(), new GatedJournal() };
        await using var cluster = await HostedCluster.StartAsync(3, HostedNode.FastSettings(), journals: journals);
        try
        {
            var leader = await cluster.AwaitLeaderAsync();
            var follower = cluster.Nodes.First(n => n != leader);
            using var ok = new CancellationTokenSource(HostedCluster.Generous);
            await follower.ProposeAsync("warm-up", ok.Token);

            // 2. the leader's disk stalls, then a proposal is forwarded to it: it stays unanswered
            var leaderJournal = journals[cluster.Nodes.IndexOf(leader)];
            leaderJournal.Close();
            using var longDeadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            var forwarded = follower.ProposeAsync("forwarded-to-old-leader", longDeadline.Token);
            await leaderJournal.WriteHeld.WaitAsync(HostedCluster.Generous);
            Assert.False(forwarded.IsCompleted);

            // 3. the old leader is cut off; the other two elect a new leader
            await cluster.Faults.IsolateAsync(leader);
            var error = await Assert.ThrowsAsync<RaftUnavailableException>(() => forwarded);

            // 4. it failed because the leader was replaced (outcome unknown, not retried), not by the forward's Ask
            //    timeout nor by the caller's deadline
            Assert.Contains("is no longer leader; its outcome is unknown", error.Message);
            Assert.False(longDeadline.IsCancellationRequested);
            var newLeader = await cluster.AwaitLeaderAsync(cluster.Nodes.Where(n => n != leader));
            Assert.NotEqual(leader.NodeId, newLeader.NodeId);
        }
        finally
        {
            foreach (var j in journals) j.Open();
        }
    }
}
