using DistSync.Persistence.Serialization;
using Serilog;

namespace DistSync.Persistence.Snapshot;

/// <summary>
/// Shared load rule of every snapshot store: walk the matching snapshots newest first and return the first whose
/// blob decodes and passes its checksum; each corrupt one is logged as a warning and skipped.
/// </summary>
internal static class IntactSnapshotPicker
{
    public static async Task<SelectedSnapshot?> PickAsync(
        IReadOnlyList<SnapshotMetadata> candidatesNewestFirst,
        Func<SnapshotMetadata, Task<byte[]?>> loadBlob,
        ILogger log)
    {
        foreach (var metadata in candidatesNewestFirst)
        {
            var blob = await loadBlob(metadata).ConfigureAwait(false);
            if (blob is null) continue; // deleted between listing and loading
            if (SnapshotBlobCodec.TryDecode(blob, out var snapshot, out var error))
                return new SelectedSnapshot(metadata, snapshot!);
            log.Warning("Snapshot {PersistenceId}#{SequenceNr} is corrupt ({Reason}); falling back to an older snapshot",
                metadata.PersistenceId, metadata.SequenceNr, error);
        }
        return null;
    }
}
