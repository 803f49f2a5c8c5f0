using DistSync.Persistence.Serialization;
using DistSync.Persistence.Snapshot;
using Serilog;

namespace DistSync.Persistence.InMem;

/// <summary>Snapshot store in process memory, for unit tests only. Blobs carry the same checksum as on disk.</summary>
public sealed class InMemSnapshotStore : ISnapshotStore
{
    private readonly InMemStorage _storage;
    private readonly ILogger _log;

    public InMemSnapshotStore(InMemStorage? storage = null, ILogger? log = null)
    {
        _storage = storage ?? new InMemStorage();
        _log = log ?? Serilog.Core.Logger.None;
    }

    public Task SaveAsync(SnapshotMetadata metadata, SerializedSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        var blob = SnapshotBlobCodec.Encode(snapshot);
        lock (_storage.Gate)
        {
            if (!_storage.Snapshots.TryGetValue(metadata.PersistenceId, out var list))
                _storage.Snapshots[metadata.PersistenceId] = list = new();
            list[metadata.SequenceNr] = (metadata, blob);
        }
        return Task.CompletedTask;
    }

    public Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        var candidates = new List<SnapshotMetadata>();
        var blobs = new Dictionary<long, byte[]>();
        lock (_storage.Gate)
        {
            if (_storage.Snapshots.TryGetValue(persistenceId, out var list))
            {
                for (var i = list.Count - 1; i >= 0; i--)
                {
                    var (metadata, blob) = list.Values[i];
                    if (!criteria.Matches(metadata)) continue;
                    candidates.Add(metadata);
                    blobs[metadata.SequenceNr] = blob;
                }
            }
        }
        return IntactSnapshotPicker.PickAsync(candidates, m => Task.FromResult<byte[]?>(blobs[m.SequenceNr]), _log);
    }

    public Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default)
    {
        lock (_storage.Gate)
            if (_storage.Snapshots.TryGetValue(metadata.PersistenceId, out var list)) list.Remove(metadata.SequenceNr);
        return Task.CompletedTask;
    }

    public Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        lock (_storage.Gate)
        {
            if (!_storage.Snapshots.TryGetValue(persistenceId, out var list)) return Task.CompletedTask;
            for (var i = list.Count - 1; i >= 0; i--)
                if (criteria.Matches(list.Values[i].Metadata)) list.RemoveAt(i);
        }
        return Task.CompletedTask;
    }

    /// <summary>Test hook: flips a byte of a stored blob so the conformance kit can check corruption handling.</summary>
    internal void CorruptStoredBlob(string persistenceId, long sequenceNr)
    {
        lock (_storage.Gate)
        {
            var blob = _storage.Snapshots[persistenceId][sequenceNr].Blob;
            blob[blob.Length / 2] ^= 0xFF;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
