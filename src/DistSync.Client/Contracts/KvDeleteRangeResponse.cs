namespace DistSync.Client.Contracts;

/// <summary>Answer of <c>DELETE /kv?prefix=|from=&amp;to=</c>: how many keys the one committed entry deleted, and its index.</summary>
public sealed record KvDeleteRangeResponse(long Deleted, long Version);
