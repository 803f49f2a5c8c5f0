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
}
