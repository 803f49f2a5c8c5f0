using DistSync.Raft.Tests.Support;

namespace DistSync.Raft.Tests.Scenarios;

public class PreVoteAndCheckQuorumSpec
{
    [Fact]
    public void With_prevote_a_rejoining_partitioned_node_does_not_inflate_terms_or_depose_the_leader()
    {
        var c = new RaftTestCluster(3);
        c.Elect(1);
        long term = c[1].Term;
        c.Isolate(3);
        c.TickAll(100);
        Assert.Equal(term, c[3].Term); // its pre-elections failed without touching its term
        c.Heal();
        c.TickAll(5);
        Assert.Equal(RaftRole.Leader, c[1].Role);
        Assert.Equal(term, c[1].Term);
    }

    [Fact]
    public void Without_prevote_the_same_node_inflates_its_term_and_disrupts_the_leader()
    {
        var c = new RaftTestCluster(3, cfg => cfg with { PreVote = false, CheckQuorum = false });
        c.Elect(1);
        long term = c[1].Term;
        c.Isolate(3);
        c.TickAll(100);
        Assert.True(c[3].Term > term + 3, $"term {c[3].Term}");
        c.Heal();
        c.TickAll(20);
        Assert.True(c[1].Term > term); // the leader had to step down to the inflated term
    }

    [Fact]
    public void A_leader_that_loses_contact_with_a_majority_steps_down()
    {
        var c = new RaftTestCluster(3);
        c.Elect(1);
        c.Isolate(1);
        c.TickAll(25);
        Assert.NotEqual(RaftRole.Leader, c[1].Role);
    }

    [Fact]
    public void Without_check_quorum_an_isolated_leader_stays_leader()
    {
        var c = new RaftTestCluster(3, cfg => cfg with { CheckQuorum = false });
        c.Elect(1);
        c.Isolate(1);
        for (int i = 0; i < 25; i++) c.Tick(1);
        Assert.Equal(RaftRole.Leader, c[1].Role);
    }

    [Fact]
    public void Followers_that_hear_a_leader_ignore_a_disruptive_vote_request()
    {
        var c = new RaftTestCluster(3, cfg => cfg with { PreVote = false, CheckQuorum = true });
        c.Elect(1);
        long term = c[1].Term;
        c.Elect(3); // a real election (no pre-vote) at term + 1
        Assert.Equal(RaftRole.Leader, c[1].Role);
        Assert.Equal(term, c[1].Term);
        Assert.NotEqual(RaftRole.Leader, c[3].Role);
    }
}
