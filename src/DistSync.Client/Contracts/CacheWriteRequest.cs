namespace DistSync.Client.Contracts;

/// <summary>
/// <c>POST /cache/write</c> body. <c>fence</c> makes the write conditional on that lock grant still being the
/// resource's latest (409 <c>stale-fence</c> otherwise).
/// </summary>
public sealed record CacheWriteRequest(string? Key, string? Value, FenceToken? Fence = null);
