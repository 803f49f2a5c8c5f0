using DistSync.Raft.Tests.Support;

namespace DistSync.Raft.Tests.Scenarios;

public class ElectionSpec
{
    [Fact]
    public void A_follower_whose_timeout_fires_becomes_leader_and_the_others_follow_it()
    {
        var c = new RaftTestCluster(3);
        c[1].SetRandomizedElectionTimeout(10);
        c[2].SetRandomizedElectionTimeout(19);
        c[3].SetRandomizedElectionTimeout(19);
        c.TickAll(10);
        Assert.Equal(RaftRole.Leader, c[1].Role);
        Assert.Equal(1UL, c[2].Lead);
        Assert.Equal(1UL, c[3].Lead);
        Assert.Equal(c[1].Term, c[2].Term);
    }

    [Fact]
    public void The_randomized_election_timeout_lies_between_one_and_two_election_timeouts()
    {
        var c = new RaftTestCluster(3);
        for (int i = 0; i < 50; i++)
        {
            c.Elect((ulong)(i % 3 + 1));
            foreach (ulong id in c.Ids)
            {
                Assert.InRange(c[id].RandomizedElectionTimeout, 10, 19);
            }
        }
    }

    [Fact]
    public void A_candidate_with_a_stale_log_does_not_win()
    {
        var c = new RaftTestCluster(3);
        c.Elect(1);
        c.Isolate(3);
        Assert.Equal(ProposeResult.Accepted, c.Propose(1, "x"));
        c.Stabilize();
        c.Heal();
        long term = c[1].Term;
        c.Elect(3);
        Assert.Equal(RaftRole.Leader, c[1].Role);
        Assert.NotEqual(RaftRole.Leader, c[3].Role);
        Assert.Equal(term, c[1].Term); // pre-vote failed: nobody's term moved
    }

    [Fact]
    public void A_restarted_node_keeps_its_term_vote_and_log()
    {
        var c = new RaftTestCluster(3);
        c.Elect(1);
        c.Propose(1, "a");
        c.Stabilize();
        long term = c[2].Term;
        ulong vote = c[2].Vote;
        long last = c[2].LastIndex;
        c.Crash(2);
        c.Restart(2);
        Assert.Equal(term, c[2].Term);
        Assert.Equal(vote, c[2].Vote);
        Assert.Equal(last, c[2].LastIndex);
        c.Stabilize();
        Assert.Equal(new[] { "a" }, c.AppliedData(2)); // replayed from the log
    }

    [Fact]
    public void An_invalid_config_is_refused_with_a_clear_error()
    {
        Assert.Throws<ArgumentException>(() => new RaftNode(new RaftConfig { Id = 0 }, new MemoryRaftStorage(1), new Random(1)));
        Assert.Throws<ArgumentException>(() => new RaftNode(new RaftConfig { Id = 1, ElectionTick = 2, HeartbeatTick = 2 }, new MemoryRaftStorage(1), new Random(1)));
    }

    [Fact]
    public void Misaddressed_or_malformed_messages_are_ignored()
    {
        var c = new RaftTestCluster(3);
        var n = c[1];
        n.Step(new Message { Type = MessageType.Vote, From = 2, To = 9, Term = 50 });
        n.Step(new Message { Type = MessageType.Append, From = 0, To = 1, Term = 50 });
        n.Step(new Message { Type = MessageType.Snapshot, From = 2, To = 1, Term = 1 });
        Assert.Equal(1, n.Term);
    }
}
