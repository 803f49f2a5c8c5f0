using DistSync.Raft.Hosting;
using DistSync.Raft.Hosting.Wire;
using Google.Protobuf;

namespace DistSync.Raft.Tests.Hosting;

public class GroupSnapshotEncodingSpec
{
    private static List<MemberInfo> Members() =>
    [
        new() { NodeId = "n1", RemoteAddress = "dsync@127.0.0.1:4053", HttpEndpoint = "127.0.0.1:8080" },
        new() { NodeId = "n2", RemoteAddress = "dsync@127.0.0.1:4054" },
    ];

    [Fact]
    public void The_group_snapshot_written_in_one_buffer_is_what_the_generated_code_encodes()
    {
        var state = new byte[70_000];
        new Random(17).NextBytes(state);
        var expected = new GroupSnapshot { State = ByteString.CopyFrom(state), Members = { Members() } }.ToByteArray();

        var encoded = RaftActor.EncodeGroupSnapshot(Members(), SnapshotContent.Encoded(state));

        Assert.Equal(expected, encoded.ToByteArray());
    }

    [Fact]
    public void An_empty_state_is_left_out_as_the_generated_code_leaves_out_an_empty_bytes_field()
    {
        var expected = new GroupSnapshot { Members = { Members() } }.ToByteArray();

        var encoded = RaftActor.EncodeGroupSnapshot(Members(), SnapshotContent.Encoded([]));

        Assert.Equal(expected, encoded.ToByteArray());
        Assert.True(GroupSnapshot.Parser.ParseFrom(encoded).State.IsEmpty);
    }
}
