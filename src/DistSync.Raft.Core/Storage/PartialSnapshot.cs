namespace DistSync.Raft;

/// <summary>A snapshot being received from the leader: its metadata, full size and the bytes stored so far.</summary>
public sealed record PartialSnapshot(SnapshotMetadata Metadata, long Size, long Received)
{
    public bool IsComplete => Received == Size;
}
