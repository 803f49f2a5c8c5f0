namespace DistSync.Client.Contracts;

/// <summary>
/// Answer of <c>DELETE /cache/invalidate/{key}</c>: how many cached copies (over all nodes) were invalidated, and
/// <c>deleted</c> when the backing KV held a value for the key (it is removed).
/// </summary>
public sealed record CacheInvalidateResponse(string Key, int CopiesInvalidated, bool Deleted);
