using DistSync.Raft.Tests.Support;
using Google.Protobuf;

namespace DistSync.Raft.Tests.Scenarios;

public class LogReplicationSpec
{
    [Fact]
    public void A_follower_with_conflicting_entries_is_overwritten_by_the_new_leader()
    {
        var c = new RaftTestCluster(3);
        c.Elect(1);
        c.Isolate(1);
        for (int i = 0; i < 50; i++) c.Propose(1, $"stale{i}");
        c.Stabilize();
        c.TickAll(30); // 2 and 3 stop hearing from 1 and elect one of them
        ulong leader = c.Leader();
        Assert.True(leader is 2 or 3, $"leader {leader}");
        for (int i = 0; i < 50; i++) Assert.Equal(ProposeResult.Accepted, c.Propose(leader, $"fresh{i}"));
        c.Stabilize();
        // a second new leader, whose probe for node 1 starts past the 50 entries of node 1's conflicting term
        ulong next = leader == 2 ? 3UL : 2UL;
        Assert.Equal(ProposeResult.Accepted, c[leader].TransferLeader(next));
        c.Stabilize();
        Assert.Equal(next, c.Leader());
        int sentBefore = c.Sent.Count;
        c.Heal();
        c.TickAll(3);
        Assert.Equal(RaftRole.Follower, c[1].Role);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"fresh{i}"), c.AppliedData(1));
        Assert.Equal(c.AppliedData(2), c.AppliedData(1));
        // fast back-off: one hint skips the whole conflicting term instead of 50 one-entry probes
        int rejections = c.Sent.Skip(sentBefore).Count(m => m.Type == MessageType.AppendResponse && m.Reject && m.From == 1);
        Assert.InRange(rejections, 1, 3);
    }

    [Fact]
    public void A_partitioned_leader_cannot_commit_and_its_entries_are_discarded_after_healing()
    {
        var c = new RaftTestCluster(5);
        c.Elect(1);
        c.Isolate(1);
        long commit = c[1].CommitIndex;
        c.Propose(1, "lost");
        c.Stabilize();
        Assert.Equal(commit, c[1].CommitIndex);
        c.TickAll(30);
        ulong leader = c.Leader();
        Assert.NotEqual(1UL, leader);
        Assert.Equal(ProposeResult.Accepted, c.Propose(leader, "kept"));
        c.Stabilize();
        c.Heal();
        c.TickAll(3);
        foreach (ulong id in c.Ids)
        {
            Assert.Equal(new[] { "kept" }, c.AppliedData(id));
        }
    }

    [Fact]
    public void Figure_8_an_entry_from_an_earlier_term_is_not_committed_by_counting_replicas()
    {
        // Raft paper, Figure 8: S1 (leader, term 2) writes X at index i to S2 only, crashes; S5 wins term 3 with
        // S3 and S4 and writes Y at i, crashes. S1 returns in term 4 and copies X to S3: X is on a majority but
        // from an older term, so S1 must not commit it, because S5 can still win and overwrite it.
        // classic Raft (no pre-vote, no leader lease) so that the paper's elections happen exactly as drawn
        var c = new RaftTestCluster(5, cfg => cfg with { MaxEntriesPerMsg = 1, PreVote = false, CheckQuorum = false });
        c.Elect(1);
        long i = c[1].LastIndex + 1;
        c.Isolate(1);
        c.Heal();
        foreach (ulong id in new ulong[] { 3, 4, 5 }) c.Cut(1, id);
        c.Propose(1, "X");
        c.Stabilize();
        Assert.Equal(c[1].TermAt(i), c[2].TermAt(i));
        c.Crash(1);
        c.Heal();
        c.Isolate(2);
        c[5].Campaign();
        c.Stabilize(m => !(m.From == 5 && m.Type == MessageType.Append)); // S5's own first entry stays local
        Assert.Equal(RaftRole.Leader, c[5].Role);
        c.Isolate(5);
        c.Propose(5, "Y");
        c.Stabilize();
        c.Crash(5);
        c.Heal();
        c.Restart(1);
        c.Isolate(4);
        c.Isolate(5);
        // let S1 win (term 3 is taken: S3 voted for S5, so it needs a second round for term 4) and send only its
        // first (one-entry) append to S3, carrying X
        Func<Message, bool> onlyX = m => !(m.Type == MessageType.Append && m.From == 1 && m.To == 3 && m.Index >= i && c[3].LastIndex >= i);
        c[1].Campaign();
        c.Stabilize(onlyX);
        if (c[1].Role != RaftRole.Leader)
        {
            c[1].Campaign();
            c.Stabilize(onlyX);
        }
        Assert.Equal(RaftRole.Leader, c[1].Role);
        Assert.Equal(c[1].TermAt(i), c[3].TermAt(i)); // X now on S1, S2, S3
        Assert.True(c[1].CommitIndex < i, $"X (index {i}) must not be committed yet, commit = {c[1].CommitIndex}");
        Assert.DoesNotContain("X", c.AppliedData(1));
        // once S1 replicates an entry of its own term, X is committed with it
        c.Heal();
        c.Isolate(5);
        c.TickAll(3);
        Assert.True(c[1].CommitIndex > i);
        Assert.Contains("X", c.AppliedData(3));
    }

    [Fact]
    public void Appends_are_batched_by_count_and_pipelined_up_to_the_inflight_window()
    {
        var c = new RaftTestCluster(3, cfg => cfg with { MaxEntriesPerMsg = 5, MaxInflightMsgs = 2 });
        c.Elect(1);
        Assert.Equal(ProgressState.Replicate, c[1].GetProgress(2)!.State);
        for (int i = 0; i < 23; i++) c.Propose(1, $"e{i}");
        c.ProcessReadies();
        var toTwo = c.InFlight.Where(m => m.Type == MessageType.Append && m.To == 2).ToList();
        Assert.Equal(2, toTwo.Count); // window of 2 messages in flight
        Assert.All(toTwo, m => Assert.Equal(5, m.Entries.Count));
        Assert.Equal(2, c[1].GetProgress(2)!.InflightCount);
        c.Stabilize();
        Assert.Equal(23, c.AppliedData(3).Count);
        Assert.All(c.Sent.Where(m => m.Type == MessageType.Append), m => Assert.InRange(m.Entries.Count, 0, 5));
    }

    [Fact]
    public void Appends_respect_the_byte_limit_but_always_carry_at_least_one_entry()
    {
        var c = new RaftTestCluster(3, cfg => cfg with { MaxSizePerMsg = 350 });
        c.Elect(1);
        var payload = ByteString.CopyFrom(new byte[100]);
        for (int i = 0; i < 10; i++) c[1].Propose(payload);
        c[1].Propose(ByteString.CopyFrom(new byte[1000])); // larger than the limit on its own
        c.Stabilize();
        var appends = c.Sent.Where(m => m.Type == MessageType.Append && m.Entries.Count > 0 && m.Entries.Any(e => e.Data.Length >= 100)).ToList();
        Assert.All(appends, m => Assert.True(m.Entries.Count <= 2 || m.Entries.Sum(e => e.Data.Length + 24) <= 350));
        Assert.Contains(appends, m => m.Entries.Count == 1 && m.Entries[0].Data.Length == 1000);
        Assert.Equal(11, c.AppliedEntries(2).Count(e => e.Type == EntryType.Normal && !e.Data.IsEmpty));
    }

    [Fact]
    public void Proposals_between_two_readies_travel_in_one_append()
    {
        var c = new RaftTestCluster(3);
        c.Elect(1);
        for (int i = 0; i < 100; i++) c.Propose(1, $"p{i}");
        c.ProcessReadies();
        var appends = c.InFlight.Where(m => m.Type == MessageType.Append && m.To == 2).ToList();
        Assert.Single(appends);
        Assert.Equal(100, appends[0].Entries.Count);
    }

    [Fact]
    public void The_leader_sends_its_appends_before_persisting_but_acknowledgements_wait_for_persistence()
    {
        var c = new RaftTestCluster(3);
        c.Elect(1);
        c.Propose(1, "x");
        var rd = c[1].GetReady();
        Assert.Contains(rd.Messages, m => m.Type == MessageType.Append && m.Entries.Count == 1);
        Assert.Single(rd.Entries);
        c[1].Advance();
        c.Storage(1).Append(rd.Entries);
        foreach (var m in rd.Messages.Where(m => m.To == 2)) c[2].Step(m);
        var follower = c[2].GetReady();
        Assert.Empty(follower.Messages);
        Assert.Contains(follower.MessagesAfterPersist, m => m.Type == MessageType.AppendResponse);
        c[2].Advance();
    }

    [Fact]
    public void A_leader_counts_its_own_entry_towards_commit_only_after_it_is_persisted()
    {
        var c = new RaftTestCluster(3);
        c.Elect(1);
        c.Isolate(3);
        c.Propose(1, "x");
        var rd = c[1].GetReady();
        long index = rd.Entries[0].Index;
        // node 2 acknowledges before the leader has persisted: 1 durable copy of 3 is no majority
        c.Storage(1).Append(rd.Entries);
        foreach (var m in rd.Messages.Where(m => m.To == 2)) c[2].Step(m);
        var f = c[2].GetReady();
        c.Storage(2).Append(f.Entries);
        if (f.HardState is { } hs) c.Storage(2).SetHardState(hs);
        c[2].Advance();
        // the leader still has rd outstanding (its write in flight): it takes the ack, but one durable copy is no majority
        c[1].Step(f.MessagesAfterPersist[0]);
        Assert.True(c[1].CommitIndex < index, $"committed {c[1].CommitIndex} before the leader's own write of {index} was durable");
        c[1].Advance();
        Assert.Equal(index, c[1].CommitIndex);
    }

    [Fact]
    public void While_its_write_is_in_flight_a_leader_replicates_new_proposals_and_heartbeats_at_once()
    {
        var c = new RaftTestCluster(3);
        c.Elect(1);
        c.Propose(1, "first");
        var rd = c[1].GetReady(); // "first" is being written
        c[1].Propose(ByteString.CopyFromUtf8("second"));
        var appends = c[1].TakeMessages();
        Assert.Contains(appends, m => m.Type == MessageType.Append && m.Entries.Any(e => e.Data.ToStringUtf8() == "second"));
        for (var i = 0; i < 3; i++) c[1].Tick(); // past the heartbeat interval
        Assert.Contains(c[1].TakeMessages(), m => m.Type == MessageType.Heartbeat);
        c.Storage(1).Append(rd.Entries);
        c[1].Advance();
        // the next Ready persists the second entry; it is not sent again
        var next = c[1].GetReady();
        Assert.Contains(next.Entries, e => e.Data.ToStringUtf8() == "second");
        Assert.DoesNotContain(next.Messages, m => m.Type == MessageType.Append && m.Entries.Any(e => e.Data.ToStringUtf8() == "second"));
    }

    [Fact]
    public void A_follower_that_grants_a_vote_while_its_write_is_in_flight_sends_nothing_before_the_vote_is_durable()
    {
        var c = new RaftTestCluster(3);
        c.Elect(1);
        c.Propose(1, "x");
        var lr = c[1].GetReady();
        foreach (var m in lr.Messages.Where(m => m.To == 2)) c[2].Step(m);
        var fr = c[2].GetReady(); // node 2 is writing "x"
        c[2].Step(new Message { Type = MessageType.Vote, From = 3, To = 2, Term = c[2].Term + 5, Index = 100, LogTerm = 100, Context = RaftNode.TransferContext });
        Assert.Empty(c[2].TakeMessages()); // the grant (or any reply) must wait for the new term to be on disk
        c.Storage(2).Append(fr.Entries);
        if (fr.HardState is { } hs) c.Storage(2).SetHardState(hs);
        c[2].Advance();
        var after = c[2].GetReady();
        Assert.NotNull(after.HardState);
        Assert.Empty(after.Messages);
        Assert.Contains(after.MessagesAfterPersist, m => m.Type == MessageType.VoteResponse);
        c.Storage(1).Append(lr.Entries);
        c[1].Advance();
    }
}
