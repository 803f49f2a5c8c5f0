using DistSync.Node.Meta.Wire;
using DistSync.Raft;
using Google.Protobuf;

namespace DistSync.Node.Meta;

/// <summary>
/// A captured meta group state, encoded as a <see cref="MetaSnapshot"/> exactly as the generated code would encode it,
/// with the key-value part (the one that grows with the data) written in place rather than encoded into an array of
/// its own and copied in. Locks, queues and broadcast are small and already encoded.
/// </summary>
internal sealed class MetaSnapshotContent(long applied, SnapshotContent kv, byte[] locks, byte[] queues, byte[] broadcast) : SnapshotContent
{
    private int size = -1;

    public override int CalculateSize()
    {
        if (size >= 0) return size;
        long total = Int64FieldSize(applied) + (long)kv.FieldSize()
            + BytesFieldSize(locks) + BytesFieldSize(queues) + BytesFieldSize(broadcast);
        size = CheckedSize(total, "meta group");
        return size;
    }

    protected override void WriteBody(CodedOutputStream output)
    {
        RequireSized(size);
        WriteInt64Field(output, 1, applied);
        kv.WriteField(output, 2);
        WriteBytesField(output, 3, locks);
        WriteBytesField(output, 4, queues);
        WriteBytesField(output, 5, broadcast);
    }

    private static int BytesFieldSize(byte[] bytes) =>
        bytes.Length == 0 ? 0 : 1 + CodedOutputStream.ComputeLengthSize(bytes.Length) + bytes.Length;

    private static void WriteBytesField(CodedOutputStream output, int field, byte[] bytes)
    {
        if (bytes.Length == 0) return;
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(UnsafeByteOperations.UnsafeWrap(bytes));
    }
}
