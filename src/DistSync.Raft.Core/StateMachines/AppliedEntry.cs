namespace DistSync.Raft;

/// <summary>A committed normal entry as the state machine sees it.</summary>
/// <param name="Index">Raft log index (unique, increasing): usable as a version, fencing token or id.</param>
/// <param name="TimestampMs">The proposing leader's clock (Unix ms), never decreasing across entries as applied.</param>
/// <param name="ClientId">Client session id for exactly-once application (0 = none).</param>
/// <param name="Sequence">The client's sequence number within its session.</param>
public readonly record struct AppliedEntry(long Index, long Term, long TimestampMs, ulong ClientId, ulong Sequence, ReadOnlyMemory<byte> Data);
