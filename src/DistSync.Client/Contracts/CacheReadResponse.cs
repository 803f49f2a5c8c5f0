namespace DistSync.Client.Contracts;

/// <summary>
/// Answer of <c>GET /cache/read/{key}</c>: the value and the state of the answering node's line after the read
/// (<c>"M"</c>, <c>"E"</c> or <c>"S"</c>); <c>hit</c> when the node served it from its own line without asking the key's home.
/// </summary>
public sealed record CacheReadResponse(string Key, string Value, string State, bool Hit);
