namespace DistSync.Client.Contracts;

/// <summary>
/// Answer of <c>POST /cache/write</c>, sent once every other copy has acknowledged its invalidation: the writer's line
/// is then in <c>state</c> <c>"M"</c>, and every later read on any node sees the value.
/// </summary>
public sealed record CacheWriteResponse(string Key, string State);
