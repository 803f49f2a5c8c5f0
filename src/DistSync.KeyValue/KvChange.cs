namespace DistSync.KeyValue;

/// <summary>
/// One change to one key, as a watch sees it: made by the entry <see cref="Version"/>, numbered
/// <see cref="Ordinal"/> among that entry's changes. Immutable, so the state machine's thread can hand it to
/// watchers on other threads. <see cref="Value"/> is null and <see cref="CreateVersion"/> 0 for a delete;
/// <see cref="PrevValue"/> is null when the key did not exist before.
/// </summary>
public sealed record KvChange(long Version, int Ordinal, KvChangeType Type, string Key, string? Value, long CreateVersion,
    string? SessionId, string? PrevValue, long PrevVersion, long TimestampMs)
{
    public KvPosition Position => new(Version, Ordinal);

    /// <summary>What the change weighs in the watch history (UTF-16 code units of its strings, times two).</summary>
    internal long Weight => 2L * (Key.Length + (Value?.Length ?? 0) + (PrevValue?.Length ?? 0) + (SessionId?.Length ?? 0)) + 64;
}
