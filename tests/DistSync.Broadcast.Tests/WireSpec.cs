using DistSync.Broadcast.Wire;
using Google.Protobuf;

namespace DistSync.Broadcast.Tests;

/// <summary>Commands, results and snapshots live in the Raft log and on disk: their bytes are pinned, so field numbers only ever grow.</summary>
public sealed class WireSpec
{
    [Fact]
    public void Command_bytes_are_pinned()
    {
        Assert.Equal("0A0B0A0174120170" + "1A01632001", Hex(BroadcastCommands.Encode(BroadcastCommands.Publish("t", "p", "c", 1))));
        Assert.Equal("1200", Hex(BroadcastCommands.Encode(BroadcastCommands.Expire())));
    }

    [Fact]
    public void Result_bytes_are_pinned()
    {
        Assert.Equal("0A070A017410021801", Hex(new BroadcastResult { Published = new Published { Topic = "t", Seq = 2, Duplicate = true } }.ToByteArray()));
        Assert.Equal("12080A016D1201661801", Hex(new BroadcastResult { Invalid = new Invalid { Message = "m", Field = "f", StaleClientSeq = true } }.ToByteArray()));
        Assert.Equal("1A020803", Hex(new BroadcastResult { Expired = new Expired { Trimmed = 3 } }.ToByteArray()));
    }

    [Fact]
    public void Snapshot_bytes_are_pinned()
    {
        var m = new BroadcastStateMachine();
        m.Apply(9, 2, 5, BroadcastCommands.Publish("t", "p", "c", 1));
        Assert.Equal(
            "08091005" + "1A24" + "0A01741001" + "1A0E" + "080110021805220170" + "2A01633001" + "220D" + "0A0163100120052A0408011001",
            Hex(m.Snapshot()));
    }

    [Fact]
    public void Decoding_garbage_throws_invalid_data()
    {
        Assert.Throws<InvalidDataException>(() => BroadcastCommands.DecodeResult([0xFF, 0xFF, 0xFF]));
        Assert.Throws<InvalidDataException>(() => BroadcastCommands.DecodeResult([])); // no result in it
        Assert.Throws<InvalidDataException>(() => BroadcastCommands.DecodeCommand([0x0A, 0x05, 0x01]));
        Assert.Equal(BroadcastCommand.CommandOneofCase.None, BroadcastCommands.DecodeCommand([]).CommandCase);
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes);
}
