using DistSync.Raft.Tests.Support;

namespace DistSync.Raft.Tests.Scenarios;

public class MembershipSpec
{
    private static ConfChange Change(ConfChangeType type, ulong id) => new() { Type = type, NodeId = id };

    [Fact]
    public void A_voter_is_added_while_another_node_is_down_and_the_down_node_catches_up_later()
    {
        var c = new RaftTestCluster(3);
        c.Elect(1);
        c.Crash(3);
        Assert.Equal(ProposeResult.Accepted, c[1].ProposeConfChange(Change(ConfChangeType.AddVoter, 4)));
        c.AddNode(4);
        c.Stabilize();
        Assert.Equal(new ulong[] { 1, 2, 3, 4 }, c[1].Voters.Order());
        c.Propose(1, "after"); // quorum of 4 is 3: nodes 1, 2 and 4
        c.Stabilize();
        Assert.Equal(new[] { "after" }, c.AppliedData(4));
        Assert.Equal(new ulong[] { 1, 2, 3, 4 }, c[4].Voters.Order()); // learned the founders from the log
        c.Restart(3);
        c.TickAll(3);
        Assert.Equal(new ulong[] { 1, 2, 3, 4 }, c[3].Voters.Order());
        Assert.Equal(new[] { "after" }, c.AppliedData(3));
    }

    [Fact]
    public void Only_one_membership_change_may_be_pending()
    {
        var c = new RaftTestCluster(3);
        c.Elect(1);
        Assert.Equal(ProposeResult.Accepted, c[1].ProposeConfChange(Change(ConfChangeType.AddLearner, 4)));
        Assert.Equal(ProposeResult.ConfChangePending, c[1].ProposeConfChange(Change(ConfChangeType.AddLearner, 5)));
        c.AddNode(4);
        c.Stabilize();
        Assert.Equal(ProposeResult.Accepted, c[1].ProposeConfChange(Change(ConfChangeType.AddLearner, 5)));
    }

    [Fact]
    public void Nonsensical_changes_are_refused()
    {
        var c = new RaftTestCluster(1);
        c.Elect(1);
        Assert.Equal(ProposeResult.Invalid, c[1].ProposeConfChange(Change(ConfChangeType.Remove, 1))); // last voter
        Assert.Equal(ProposeResult.Invalid, c[1].ProposeConfChange(Change(ConfChangeType.AddVoter, 1))); // already a voter
        Assert.Equal(ProposeResult.Invalid, c[1].ProposeConfChange(Change(ConfChangeType.Remove, 7))); // not a member
        Assert.Equal(ProposeResult.Invalid, c[1].ProposeConfChange(Change(ConfChangeType.AddVoter, 0)));
    }

    [Fact]
    public void A_learner_catches_up_without_counting_towards_the_quorum_and_is_then_promoted()
    {
        var c = new RaftTestCluster(3);
        c.Elect(1);
        for (int i = 0; i < 20; i++) c.Propose(1, $"e{i}");
        c.Stabilize();
        c[1].ProposeConfChange(Change(ConfChangeType.AddLearner, 4));
        c.AddNode(4);
        c.Stabilize();
        Assert.Equal(c.AppliedData(1), c.AppliedData(4));
        Assert.Contains(4UL, c[1].Learners);
        Assert.False(c[4].Promotable);
        c.TickAll(50);
        Assert.NotEqual(RaftRole.Leader, c[4].Role); // learners never campaign

        // with both other voters cut off, the learner's copy does not make a majority
        c.Isolate(2);
        c.Isolate(3);
        long commit = c[1].CommitIndex;
        c.Propose(1, "needs-a-voter");
        c.Stabilize();
        Assert.Equal(commit, c[1].CommitIndex);
        Assert.True(c[4].LastIndex > commit);

        c.Heal();
        c.Stabilize();
        Assert.Equal(ProposeResult.Accepted, c[1].ProposeConfChange(Change(ConfChangeType.AddVoter, 4)));
        c.Stabilize();
        Assert.Contains(4UL, c[1].Voters);
        Assert.Empty(c[1].Learners);
        Assert.True(c[4].Promotable);
    }

    [Fact]
    public void A_removed_leader_steps_down_and_the_rest_elect_a_new_one()
    {
        var c = new RaftTestCluster(3);
        c.Elect(1);
        Assert.Equal(ProposeResult.Accepted, c[1].ProposeConfChange(Change(ConfChangeType.Remove, 1)));
        c.Stabilize();
        Assert.NotEqual(RaftRole.Leader, c[1].Role);
        c.Crash(1);
        c.TickAll(30);
        ulong leader = c.Leader();
        Assert.True(leader is 2 or 3);
        Assert.Equal(new ulong[] { 2, 3 }, c[leader].Voters.Order());
        c.Propose(leader, "two-node cluster");
        c.Stabilize();
        Assert.Equal(new[] { "two-node cluster" }, c.AppliedData(2));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Membership_changes_commit_after_leader_failovers(int failovers)
    {
        // 1. three voters, a leader, entries after the bootstrap configuration (so the last conf change is old)
        var c = new RaftTestCluster(5);
        c.Elect(1);
        ulong firstLeader = 1;
        for (int i = 0; i < 5; i++) c.Propose(1, "before" + i);
        c.Stabilize();

        // 2. the leader dies, another takes over; repeat
        ulong leader = 1;
        for (int f = 0; f < failovers; f++)
        {
            c.Crash(leader);
            c.TickAll(40);
            ulong next = c.Leader();
            Assert.NotEqual(0UL, next);
            Assert.NotEqual(leader, next);
            c.Propose(next, "after-failover" + f);
            c.Stabilize();
            leader = next;
        }

        // 3. the new leader removes the first dead node, adds a learner and promotes it: every change is accepted and commits
        Assert.Equal(ProposeResult.Accepted, c[leader].ProposeConfChange(Change(ConfChangeType.Remove, firstLeader)));
        c.Stabilize();
        Assert.DoesNotContain(firstLeader, c[leader].Voters);
        Assert.Equal(ProposeResult.Accepted, c[leader].ProposeConfChange(Change(ConfChangeType.AddLearner, 9)));
        c.AddNode(9);
        c.Stabilize();
        Assert.Contains(9UL, c[leader].Learners);
        Assert.Equal(ProposeResult.Accepted, c[leader].ProposeConfChange(Change(ConfChangeType.AddVoter, 9)));
        c.Stabilize();
        Assert.Contains(9UL, c[leader].Voters);
        Assert.Contains(9UL, c[9].Voters);
    }

    [Fact]
    public void A_new_leader_refuses_a_change_only_until_it_has_applied_its_log()
    {
        // the guard etcd uses: a change is pending while the leader has not applied up to its log at election
        var c = new RaftTestCluster(3);
        c.Elect(1);
        c.Propose(1, "x");
        // the followers store x, but never hear that it committed (no empty append, no heartbeat)
        c.Stabilize(m => m.Type is not (MessageType.Append or MessageType.Heartbeat) || m.Entries.Count > 0);
        Assert.True(c[2].LastIndex > c[2].CommitIndex);
        c.Crash(1);
        // elect 2 or 3, delivering the votes but holding back the appends that would commit the new leader's no-op
        ulong leader = 0;
        for (int i = 0; i < 100 && leader == 0; i++)
        {
            c[2].Tick();
            c[3].Tick();
            c.Stabilize(m => m.Type is not MessageType.Append);
            leader = c.Leader();
        }
        Assert.True(leader is 2 or 3);
        Assert.Equal(ProposeResult.ConfChangePending, c[leader].ProposeConfChange(Change(ConfChangeType.Remove, 1)));
        c.TickAll(3); // heartbeats resume the held-back replication: the no-op commits and everything applies
        Assert.Equal(c[leader].LastIndex, c[leader].AppliedIndex);
        Assert.Equal(ProposeResult.Accepted, c[leader].ProposeConfChange(Change(ConfChangeType.Remove, 1)));
        c.Stabilize();
        Assert.DoesNotContain(1UL, c[leader].Voters);
    }
}
