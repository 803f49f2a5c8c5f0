namespace DistSync.Cache.Homes;

/// <summary>A home's backing-store call finished: the value read (null: none), the version written, whether a delete
/// found a value, or the error.</summary>
internal sealed record StoreDone(ulong OpId, StoredValue? Read, long Version, bool Deleted, string? Error);
