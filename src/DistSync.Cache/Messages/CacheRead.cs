namespace DistSync.Cache.Messages;

/// <summary>Local: read <see cref="Key"/> through this node's cache (to the node cache, which hands it to the line).
/// Answered <see cref="CacheReadResult"/> or <see cref="CacheFailure"/>.</summary>
public sealed record CacheRead(string Key);
