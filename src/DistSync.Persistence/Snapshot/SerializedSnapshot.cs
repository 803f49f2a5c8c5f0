namespace DistSync.Persistence.Snapshot;

/// <summary>A snapshot state in its versioned binary form: pinned type id plus payload bytes.</summary>
public sealed class SerializedSnapshot
{
    public SerializedSnapshot(int typeId, byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        TypeId = typeId;
        Payload = payload;
    }

    public int TypeId { get; }

    public byte[] Payload { get; }
}
