namespace DistSync.KeyValue;

/// <summary>
/// What a read of the watch history found: <see cref="Compacted"/> when changes after the asked position were
/// dropped (then <see cref="OldestVersion"/> is the oldest version still watchable); else the position the read
/// reached and whether retained changes remain after it.
/// </summary>
public readonly record struct KvChangeRead(bool Compacted, long OldestVersion, KvPosition Reached, bool More);
