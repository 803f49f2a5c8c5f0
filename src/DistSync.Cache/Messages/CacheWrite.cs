namespace DistSync.Cache.Messages;

/// <summary>Local: write <see cref="Value"/> to <see cref="Key"/>; with a fence, only when the token is not older
/// than the highest the key's home has seen for the resource. Answered <see cref="CacheWriteResult"/> or
/// <see cref="CacheFailure"/>.</summary>
public sealed record CacheWrite(string Key, string Value, string? FenceResource = null, long FenceToken = 0);
