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

    [Fact]
    public void Followers_told_their_leader_is_gone_elect_a_new_one_within_ticks_instead_of_an_election_timeout()
    {
        var c = new RaftTestCluster(3, cfg => cfg with { PreVote = true, CheckQuorum = true });
        c.Elect(1);
        long term = c[1].Term;
        c.Crash(1);
        // without the hint nobody campaigns for at least an election timeout (10 ticks here)
        c.TickAll(2);
        Assert.All(new ulong[] { 2, 3 }, id => Assert.Equal(RaftRole.Follower, c[id].Role));
        Assert.True(c[2].ForgetLeader(1, ticksToCampaign: 1));
        Assert.True(c[3].ForgetLeader(1, ticksToCampaign: 3));
        c.TickAll(1);
        Assert.Equal(RaftRole.Leader, c[2].Role);
        Assert.Equal(2UL, c[3].Lead);
        Assert.Equal(term + 1, c[2].Term);
    }

    [Fact]
    public void A_wrong_leader_gone_hint_costs_only_a_refused_pre_vote_while_the_others_still_hear_the_leader()
    {
        var c = new RaftTestCluster(3, cfg => cfg with { PreVote = true, CheckQuorum = true });
        c.Elect(1);
        long term = c[1].Term;
        Assert.True(c[2].ForgetLeader(1, ticksToCampaign: 1));
        c.Tick(2);
        c.Stabilize(); // node 2's pre-vote reaches node 3, which heard leader 1 within the lease: refused
        c.TickAll(3);
        Assert.Equal(RaftRole.Leader, c[1].Role);
        Assert.Equal(term, c[1].Term);
        Assert.Equal(1UL, c[2].Lead);
        Assert.False(c[3].ForgetLeader(2, ticksToCampaign: 1)); // 2 is not its leader: no effect
    }
}
