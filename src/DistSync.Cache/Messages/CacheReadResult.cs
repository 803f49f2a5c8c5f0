namespace DistSync.Cache.Messages;

/// <summary>A read's answer: <see cref="Found"/> false is a 404; <see cref="Hit"/> is true when served from this
/// node's line with no message.</summary>
public sealed record CacheReadResult(bool Found, string? Value, LineState State, bool Hit, long Version);
