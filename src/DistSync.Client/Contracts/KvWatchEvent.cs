namespace DistSync.Client.Contracts;

/// <summary>
/// The data of one <c>GET /kv/watch</c> event (SSE <c>event: put|delete</c>, <c>id: {version}.{n}</c> where n is its
/// place among the changes of that entry). <see cref="Version"/> is the index of the entry that made the change;
/// <see cref="Value"/> and <see cref="CreateVersion"/> are null/0 for a delete. <see cref="PrevValue"/> is set only
/// with <c>prevValue=true</c> and when the key existed before.
/// </summary>
public sealed record KvWatchEvent(string Type, string Key, string? Value, long Version, long CreateVersion, string? SessionId = null,
    string? PrevValue = null, long? PrevVersion = null);
