using DistSync.Raft.Tests.Support;

namespace DistSync.Raft.Tests.Scenarios;

public class LeaderTransferSpec
{
    [Fact]
    public void Transfer_hands_leadership_to_the_target_in_the_next_term()
    {
        var c = new RaftTestCluster(3);
        c.Elect(1);
        long term = c[1].Term;
        Assert.Equal(ProposeResult.Accepted, c[1].TransferLeader(3));
        c.Stabilize();
        Assert.Equal(3UL, c.Leader());
        Assert.Equal(term + 1, c[3].Term);
        Assert.Contains(c.Sent, m => m.Type == MessageType.TimeoutNow && m.To == 3);
    }

    [Fact]
    public void A_lagging_target_is_caught_up_before_it_receives_timeout_now()
    {
        var c = new RaftTestCluster(3);
        c.Elect(1);
        c.Isolate(3);
        for (int i = 0; i < 10; i++) c.Propose(1, $"e{i}");
        c.Stabilize();
        c.Heal();
        c[1].TransferLeader(3);
        c.Stabilize();
        Assert.Equal(3UL, c.Leader());
        Assert.Equal(10, c.AppliedData(3).Count);
    }

    [Fact]
    public void Proposals_are_refused_during_a_transfer_which_is_abandoned_after_an_election_timeout()
    {
        var c = new RaftTestCluster(3);
        c.Elect(1);
        c.Isolate(3);
        c.Propose(1, "x");
        c.Stabilize();
        c[1].TransferLeader(3);
        Assert.Equal(ProposeResult.TransferInProgress, c.Propose(1, "refused"));
        Assert.Equal(3UL, c[1].LeadTransferee);
        for (int i = 0; i < 10; i++) c.Tick(1);
        c.Stabilize();
        Assert.Equal(0UL, c[1].LeadTransferee);
        Assert.Equal(ProposeResult.Accepted, c.Propose(1, "accepted"));
    }

    [Fact]
    public void Transfer_to_a_non_voter_or_from_a_follower_is_refused()
    {
        var c = new RaftTestCluster(3);
        c.Elect(1);
        Assert.Equal(ProposeResult.Invalid, c[1].TransferLeader(9));
        Assert.Equal(ProposeResult.NotLeader, c[2].TransferLeader(3));
    }
}
