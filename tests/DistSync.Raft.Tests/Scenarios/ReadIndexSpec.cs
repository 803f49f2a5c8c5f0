using DistSync.Raft.Tests.Support;
using Google.Protobuf;

namespace DistSync.Raft.Tests.Scenarios;

public class ReadIndexSpec
{
    [Fact]
    public void The_leader_answers_a_read_after_a_heartbeat_round_confirms_its_leadership()
    {
        var c = new RaftTestCluster(3);
        c.Elect(1);
        c.Propose(1, "x");
        c.Stabilize();
        var ctx = ByteString.CopyFromUtf8("r1");
        Assert.Equal(ProposeResult.Accepted, c[1].ReadIndex(ctx));
        c.ProcessReadies();
        Assert.Empty(c.ReadStates(1)); // not before a majority answered the heartbeat
        Assert.Contains(c.InFlight, m => m.Type == MessageType.Heartbeat && m.ReadRound > 0);
        c.Stabilize();
        var rs = Assert.Single(c.ReadStates(1));
        Assert.Equal(ctx, rs.Context);
        Assert.Equal(c[1].CommitIndex, rs.Index);
    }

    [Fact]
    public void Reads_that_arrive_between_two_readies_share_one_heartbeat_round_and_are_all_confirmed_by_it()
    {
        var c = new RaftTestCluster(3);
        c.Elect(1);
        c.Propose(1, "x");
        c.Stabilize();
        // 1. five reads on the leader and one forwarded by a follower, before the leader's next Ready
        c[2].ReadIndex(ByteString.CopyFromUtf8("f"));
        c.ProcessReadies();
        var forwarded = Assert.Single(c.InFlight, m => m.Type == MessageType.ReadIndex);
        c.InFlight.Remove(forwarded);
        c[1].Step(forwarded.Clone());
        for (int i = 0; i < 5; i++) Assert.Equal(ProposeResult.Accepted, c[1].ReadIndex(ByteString.CopyFromUtf8("r" + i)));
        c.ProcessReadies();

        // 2. one heartbeat per follower carries the round, not one per read
        var rounds = c.InFlight.Where(m => m.Type == MessageType.Heartbeat && m.ReadRound > 0).ToList();
        Assert.Equal(2, rounds.Count);
        Assert.Single(rounds.Select(m => m.ReadRound).Distinct());
        Assert.Empty(c.ReadStates(1));

        // 3. its quorum answers all six, each at the commit index it had on arrival
        c.Stabilize();
        Assert.Equal(5, c.ReadStates(1).Count);
        Assert.All(c.ReadStates(1), rs => Assert.Equal(c[1].CommitIndex, rs.Index));
        Assert.Equal(ByteString.CopyFromUtf8("f"), Assert.Single(c.ReadStates(2)).Context);
    }

    [Fact]
    public void A_follower_forwards_the_read_to_the_leader()
    {
        var c = new RaftTestCluster(3);
        c.Elect(1);
        c.Propose(1, "x");
        c.Stabilize();
        var ctx = ByteString.CopyFromUtf8("r2");
        Assert.Equal(ProposeResult.Accepted, c[2].ReadIndex(ctx));
        c.Stabilize();
        var rs = Assert.Single(c.ReadStates(2));
        Assert.Equal(ctx, rs.Context);
        Assert.Equal(c[1].CommitIndex, rs.Index);
    }

    [Fact]
    public void An_isolated_leader_cannot_confirm_a_read()
    {
        var c = new RaftTestCluster(3);
        c.Elect(1);
        c.Isolate(1);
        c[1].ReadIndex(ByteString.CopyFromUtf8("r3"));
        c.Stabilize();
        c.Tick(1, 3);
        c.Stabilize();
        Assert.Empty(c.ReadStates(1));
    }

    [Fact]
    public void A_new_leader_defers_reads_until_an_entry_of_its_term_is_committed()
    {
        var rd = new RaftTestCluster(3);
        rd[1].Campaign();
        rd.ProcessReadies();
        // deliver votes only: the leader is elected, but its first entry is not committed yet
        rd.Stabilize(m => m.Type is MessageType.PreVote or MessageType.PreVoteResponse or MessageType.Vote or MessageType.VoteResponse);
        Assert.Equal(RaftRole.Leader, rd[1].Role);
        rd[1].ReadIndex(ByteString.CopyFromUtf8("early"));
        rd.ProcessReadies();
        Assert.Empty(rd.ReadStates(1));
        Assert.DoesNotContain(rd.InFlight, m => m.Type == MessageType.Heartbeat && m.ReadRound > 0);
        rd.Tick(1, 2); // heartbeats restart replication; the first entry commits, then the read is confirmed
        rd.Stabilize();
        var rs = Assert.Single(rd.ReadStates(1));
        Assert.Equal(rd[1].CommitIndex, rs.Index);
    }

    [Fact]
    public void A_follower_without_a_leader_refuses_a_read()
    {
        var c = new RaftTestCluster(3);
        Assert.Equal(ProposeResult.NotLeader, c[2].ReadIndex(ByteString.CopyFromUtf8("r")));
    }
}
