namespace DistSync.Raft;

/// <summary>
/// One chunk of a snapshot a follower receives from its leader, handed to the host in
/// <see cref="Ready.SnapshotChunks"/> to store (<see cref="IRaftStorage.WriteSnapshotChunk"/>) instead of being
/// buffered in the core: the snapshot is held once, by the storage, and assembled once when complete.
/// </summary>
/// <param name="Metadata">The snapshot's position and configuration.</param>
/// <param name="Offset">Byte offset of <paramref name="Data"/>; 0 starts a new snapshot.</param>
/// <param name="TotalSize">Size of the whole snapshot in bytes.</param>
public sealed record SnapshotChunk(SnapshotMetadata Metadata, long Offset, long TotalSize, Google.Protobuf.ByteString Data);
