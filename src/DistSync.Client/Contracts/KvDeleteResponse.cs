namespace DistSync.Client.Contracts;

/// <summary>Answer of <c>DELETE /kv/{key}</c>: whether there was a key to delete.</summary>
public sealed record KvDeleteResponse(bool Deleted);
