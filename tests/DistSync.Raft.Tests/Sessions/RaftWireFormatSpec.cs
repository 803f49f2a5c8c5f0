namespace DistSync.Raft.Tests.Sessions;

/// <summary>Enum numbers are persisted and sent between nodes: they may only ever grow.</summary>
public class RaftWireFormatSpec
{
    [Theory]
    [InlineData(MessageType.Append, 1)]
    [InlineData(MessageType.AppendResponse, 2)]
    [InlineData(MessageType.Vote, 3)]
    [InlineData(MessageType.VoteResponse, 4)]
    [InlineData(MessageType.PreVote, 5)]
    [InlineData(MessageType.PreVoteResponse, 6)]
    [InlineData(MessageType.Heartbeat, 7)]
    [InlineData(MessageType.HeartbeatResponse, 8)]
    [InlineData(MessageType.Snapshot, 9)]
    [InlineData(MessageType.SnapshotResponse, 10)]
    [InlineData(MessageType.TimeoutNow, 11)]
    [InlineData(MessageType.ReadIndex, 12)]
    [InlineData(MessageType.ReadIndexResponse, 13)]
    public void Message_type_numbers_are_pinned(MessageType type, int number) => Assert.Equal(number, (int)type);

    [Fact]
    public void Entry_and_conf_change_type_numbers_are_pinned()
    {
        Assert.Equal(0, (int)EntryType.Normal);
        Assert.Equal(1, (int)EntryType.ConfChange);
        Assert.Equal(0, (int)ConfChangeType.AddVoter);
        Assert.Equal(1, (int)ConfChangeType.AddLearner);
        Assert.Equal(2, (int)ConfChangeType.Remove);
    }

    [Fact]
    public void An_append_survives_a_protobuf_round_trip()
    {
        var m = new Message { Type = MessageType.Append, From = 1, To = 2, Term = 3, Index = 4, LogTerm = 2, Commit = 4 };
        m.Entries.Add(new Entry { Term = 3, Index = 5, Data = Google.Protobuf.ByteString.CopyFromUtf8("x"), ClientId = 9, Sequence = 2, TimestampMs = 77 });
        var back = Message.Parser.ParseFrom(Google.Protobuf.MessageExtensions.ToByteArray(m));
        Assert.Equal(m, back);
    }
}
