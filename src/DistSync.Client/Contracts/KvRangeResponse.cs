namespace DistSync.Client.Contracts;

/// <summary>
/// Answer of <c>GET /kv?prefix=|from=&amp;to=</c>: the keys of the range in ordinal order, at most <c>limit</c>;
/// <see cref="More"/> when keys after the last one remain (ask again with <c>after=</c> the last key).
/// <see cref="Revision"/> is the store's applied index the read saw. With <c>count=true</c>, <see cref="Kvs"/> is
/// empty and <see cref="Count"/> is the number of keys in the range; otherwise <see cref="Count"/> is null.
/// </summary>
public sealed record KvRangeResponse(IReadOnlyList<KvGetResponse> Kvs, bool More, long Revision, long? Count = null);
