namespace DistSync.Client.Contracts;

/// <summary>A lock's fencing token, for a write that only a current holder may make (409 <c>stale-fence</c> otherwise).</summary>
public sealed record FenceToken(string? Resource, long FencingToken);
