using Google.Protobuf;

namespace DistSync.Raft;

/// <summary>
/// A captured state machine snapshot that tells its encoded size and then writes itself as a field of the message
/// that encloses it. The host sizes the whole group snapshot first and writes it into ONE array: with a state of
/// 700k keys, encoding each layer (KV, meta, group) into its own array and wrapping it copied a ~90 MB buffer three
/// times per snapshot, and those transient copies set the process's memory high-water mark (issue 17, memory per
/// key). Not thread-safe: <see cref="CalculateSize"/> comes first, then one write, on one thread.
/// </summary>
public abstract class SnapshotContent
{
    /// <summary>The number of bytes of the encoding; may do the expensive preparation (sorting) once.</summary>
    public abstract int CalculateSize();

    /// <summary>Writes the encoding's <see cref="CalculateSize"/> bytes, without tag or length.</summary>
    protected abstract void WriteBody(CodedOutputStream output);

    /// <summary>Writes the content as length-delimited field <paramref name="fieldNumber"/>, as generated code writes a
    /// <c>bytes</c> field: nothing when the content is empty.</summary>
    public virtual void WriteField(CodedOutputStream output, int fieldNumber)
    {
        var size = CalculateSize();
        if (size == 0) return;
        output.WriteTag(fieldNumber, WireFormat.WireType.LengthDelimited);
        output.WriteLength(size);
        WriteBody(output);
    }

    /// <summary>The bytes <see cref="WriteField"/> writes in a field numbered 1-15.</summary>
    public int FieldSize()
    {
        var size = CalculateSize();
        return size == 0 ? 0 : 1 + CodedOutputStream.ComputeLengthSize(size) + size;
    }

    /// <summary>The encoding as one exactly sized array (what <see cref="IRaftStateMachine.Snapshot"/> returns).</summary>
    public virtual byte[] ToByteArray()
    {
        var bytes = new byte[CalculateSize()];
        var output = new CodedOutputStream(bytes);
        WriteBody(output);
        output.CheckNoSpaceLeft();
        return bytes;
    }

    /// <summary>The encoded size of an int64 field numbered 1-15 as generated code writes it: nothing when 0.</summary>
    protected static int Int64FieldSize(long value) => value == 0 ? 0 : 1 + CodedOutputStream.ComputeInt64Size(value);

    /// <summary>Writes an int64 field numbered 1-15 as generated code does: nothing when 0.</summary>
    protected static void WriteInt64Field(CodedOutputStream output, int fieldNumber, long value)
    {
        if (value == 0) return;
        output.WriteTag(fieldNumber, WireFormat.WireType.Varint);
        output.WriteInt64(value);
    }

    /// <summary>A computed total as an array length, or a clear error when it is over what one array (and one
    /// protobuf message) can hold.</summary>
    protected static int CheckedSize(long total, string what) =>
        total <= int.MaxValue
            ? (int)total
            : throw new InvalidOperationException($"the {what} snapshot would take {total:N0} bytes, over the 2 GiB a snapshot can hold");

    /// <summary>Guards <see cref="WriteBody"/> implementations that rely on state prepared by sizing.</summary>
    protected static void RequireSized(int size)
    {
        if (size < 0) throw new InvalidOperationException("CalculateSize comes before WriteBody");
    }

    /// <summary>Content whose bytes come from <paramref name="serialize"/>, run once, when first sized.</summary>
    public static SnapshotContent Deferred(Func<byte[]> serialize) => new DeferredContent(serialize);

    /// <summary>Content that is already encoded.</summary>
    public static SnapshotContent Encoded(byte[] bytes) => new DeferredContent(() => bytes);

    private sealed class DeferredContent(Func<byte[]> serialize) : SnapshotContent
    {
        private byte[]? bytes;

        public override int CalculateSize() => (bytes ??= serialize()).Length;

        public override byte[] ToByteArray()
        {
            CalculateSize();
            return bytes!;
        }

        public override void WriteField(CodedOutputStream output, int fieldNumber)
        {
            if (CalculateSize() == 0) return;
            output.WriteTag(fieldNumber, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(UnsafeByteOperations.UnsafeWrap(bytes));
        }

        protected override void WriteBody(CodedOutputStream output) =>
            throw new InvalidOperationException("encoded content is written as a field or returned whole");
    }
}
