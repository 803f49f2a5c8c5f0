using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using DistSync.Client.Contracts;
using DistSync.Client.Recipes;

namespace DistSync.Client;

/// <summary>
/// The KV routes of docs/KV.md beyond one key: ranges, range deletes, transactions and watches, and the recipes
/// built on them (<see cref="Election"/>, <see cref="ServiceRegistry"/>, <see cref="Barrier"/>).
/// </summary>
public sealed partial class DistSyncClient
{
    /// <summary>Largest page one range read may ask for (the node checks <c>limit</c> 1..10000).</summary>
    public const int MaxRangeLimit = 10_000;

    /// <summary>The page <see cref="ListAllAsync(KvRange, int, ReadConsistency, CancellationToken)"/> asks for by default.</summary>
    public const int DefaultListPage = 500;

    /// <summary>
    /// <c>GET /kv</c>: the keys of <paramref name="range"/> in ordinal order, strictly after <paramref name="after"/>
    /// when given, at most <paramref name="limit"/> (the node's default, 100, when null). <see cref="KvRangeResponse.More"/>
    /// says keys remain: ask again with <paramref name="after"/> the last key (or use <see cref="ListAllAsync(KvRange, int, ReadConsistency, CancellationToken)"/>).
    /// </summary>
    public Task<KvRangeResponse> RangeAsync(KvRange range, string? after = null, int? limit = null,
        ReadConsistency consistency = ReadConsistency.Linearizable, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(range);
        if (limit is < 1 or > MaxRangeLimit) throw new ArgumentOutOfRangeException(nameof(limit), $"limit must be 1..{MaxRangeLimit}, was {limit}");
        return GetJsonAsync<KvRangeResponse>(RangePath(range, after, limit, count: false, consistency), ct);
    }

    /// <summary><c>GET /kv?prefix=</c>: as <see cref="RangeAsync(KvRange, string?, int?, ReadConsistency, CancellationToken)"/> over every key starting with <paramref name="prefix"/>.</summary>
    public Task<KvRangeResponse> RangeAsync(string prefix, string? after = null, int? limit = null,
        ReadConsistency consistency = ReadConsistency.Linearizable, CancellationToken ct = default) =>
        RangeAsync(KvRange.Prefix(prefix), after, limit, consistency, ct);

    /// <summary><c>GET /kv?count=true</c>: how many keys <paramref name="range"/> holds (after <paramref name="after"/> when given).</summary>
    public async Task<long> CountAsync(KvRange range, string? after = null, ReadConsistency consistency = ReadConsistency.Linearizable,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(range);
        var answer = await GetJsonAsync<KvRangeResponse>(RangePath(range, after, null, count: true, consistency), ct).ConfigureAwait(false);
        return answer.Count ?? throw new InvalidDataException("GET /kv?count=true answered without a count");
    }

    /// <summary>How many keys start with <paramref name="prefix"/>.</summary>
    public Task<long> CountAsync(string prefix, ReadConsistency consistency = ReadConsistency.Linearizable, CancellationToken ct = default) =>
        CountAsync(KvRange.Prefix(prefix), null, consistency, ct);

    /// <summary>
    /// Every key of <paramref name="range"/>, read page by page (<paramref name="pageSize"/> keys, each page after the
    /// last key of the one before). Each page is one read: keys written meanwhile may or may not be seen, but none
    /// is yielded twice and the order is ordinal.
    /// </summary>
    public async IAsyncEnumerable<KvGetResponse> ListAllAsync(KvRange range, int pageSize = DefaultListPage,
        ReadConsistency consistency = ReadConsistency.Linearizable, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(range);
        if (pageSize is < 1 or > MaxRangeLimit) throw new ArgumentOutOfRangeException(nameof(pageSize), $"pageSize must be 1..{MaxRangeLimit}, was {pageSize}");
        string? after = null;
        while (true)
        {
            var page = await RangeAsync(range, after, pageSize, consistency, ct).ConfigureAwait(false);
            foreach (var kv in page.Kvs) yield return kv;
            if (!page.More || page.Kvs.Count == 0) yield break;
            after = page.Kvs[^1].Key;
        }
    }

    /// <summary>Every key starting with <paramref name="prefix"/>, page by page.</summary>
    public IAsyncEnumerable<KvGetResponse> ListAllAsync(string prefix, int pageSize = DefaultListPage, CancellationToken ct = default) =>
        ListAllAsync(KvRange.Prefix(prefix), pageSize, ReadConsistency.Linearizable, ct);

    /// <summary>
    /// <c>DELETE /kv?prefix=|from=&amp;to=</c>: deletes every key of <paramref name="range"/> in one committed entry
    /// (<see cref="KvRange.All"/> deletes every key). Watchers see one delete per key, all with the entry's version.
    /// </summary>
    public async Task<KvDeleteRangeResponse> DeleteRangeAsync(KvRange range, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(range);
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Delete, "kv?" + range.Query(allowKey: false)), ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await GenericFailureAsync(response, ct).ConfigureAwait(false);
        return await ReadJsonAsync<KvDeleteRangeResponse>(response, ct).ConfigureAwait(false);
    }

    /// <summary>Deletes every key starting with <paramref name="prefix"/> (which must not be empty here: use <see cref="KvRange.All"/> to mean every key).</summary>
    public Task<KvDeleteRangeResponse> DeleteRangeAsync(string prefix, CancellationToken ct = default) =>
        string.IsNullOrEmpty(prefix)
            ? throw new ArgumentException("the prefix is empty; pass KvRange.All to delete every key", nameof(prefix))
            : DeleteRangeAsync(KvRange.Prefix(prefix), ct);

    /// <summary>Deletes the keys <c>from &lt;= key &lt; to</c>.</summary>
    public Task<KvDeleteRangeResponse> DeleteRangeAsync(string? from, string? to, CancellationToken ct = default) =>
        from is null && to is null
            ? throw new ArgumentException("give from, to or both; pass KvRange.All to delete every key", nameof(from))
            : DeleteRangeAsync(KvRange.Between(from, to), ct);

    /// <summary>
    /// <c>POST /kv/txn</c>: when every compare holds, the success ops run, else the failure ops, all in one committed
    /// entry. A failed compare is an answer (<see cref="KvTxnResponse.Succeeded"/> false), not an exception. A put
    /// naming a session that is not live throws <see cref="SessionNotFoundException"/> and nothing runs; bad input
    /// is a 400 <see cref="DistSyncApiException"/> naming the field. A 503 may or may not have committed.
    /// </summary>
    public async Task<KvTxnResponse> TxnAsync(KvTxnRequest txn, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(txn);
        using var response = await PostJsonAsync("kv/txn", txn, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var problem = await ReadJsonOrDefaultAsync<ProblemDetails>(response, ct).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound && problem?.Title == "not found" && FirstSession(txn) is { } session)
                throw new SessionNotFoundException(session, problem);
            throw Failure(response, problem);
        }
        return await ReadJsonAsync<KvTxnResponse>(response, ct).ConfigureAwait(false);
    }

    /// <summary>A transaction to build: <c>client.Txn().If(KvTxn.Absent("k")).Then(KvTxn.Put("k", "v")).Else(KvTxn.Get("k")).CommitAsync()</c>.</summary>
    public KvTxnBuilder Txn() => new(this);

    /// <summary>
    /// <c>GET /kv/watch</c>: the changes of <paramref name="range"/> in commit order, from <paramref name="fromVersion"/>
    /// (the retained changes with version ≥ it first), or without it those committed after the watch is created.
    /// The returned <see cref="KvWatch"/> follows the stream across this client's nodes: a dropped stream or a node
    /// going away resumes on the next node with <c>Last-Event-ID</c>, so each change is seen once, in order.
    /// </summary>
    /// <param name="prevValue">Ask for each change's previous value and version.</param>
    public KvWatch WatchAsync(KvRange range, long? fromVersion = null, bool prevValue = false, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(range);
        if (fromVersion < 1) throw new ArgumentOutOfRangeException(nameof(fromVersion), $"versions start at 1, fromVersion was {fromVersion}");
        return new KvWatch(this, range, fromVersion, prevValue, ct);
    }

    /// <summary>Watches every key starting with <paramref name="prefix"/>; see <see cref="WatchAsync(KvRange, long?, bool, CancellationToken)"/>.</summary>
    public KvWatch WatchAsync(string prefix, long? fromVersion = null, bool prevValue = false, CancellationToken ct = default) =>
        WatchAsync(KvRange.Prefix(prefix), fromVersion, prevValue, ct);

    /// <summary>A leader election among sessions under <c>election/{name}/</c>.</summary>
    public DistSyncElection Election(string name) => new(this, name);

    /// <summary>A registry of the live instances of <paramref name="service"/> under <c>services/{service}/</c>.</summary>
    public DistSyncServiceRegistry ServiceRegistry(string service) => new(this, service);

    /// <summary>A barrier under <c>barriers/{name}/</c> that opens once <paramref name="count"/> participants entered.</summary>
    public DistSyncBarrier Barrier(string name, int count) => new(this, name, count);

    /// <summary>Opens one watch stream on <paramref name="node"/>; <see cref="KvWatch"/> reads it and fails over.</summary>
    internal async Task<HttpResponseMessage> OpenWatchAsync(Uri node, KvRange range, long? fromVersion, bool prevValue, string? lastEventId, CancellationToken ct)
    {
        var path = new StringBuilder("kv/watch?").Append(range.Query(allowKey: true));
        if (fromVersion is { } from) path.Append("&fromVersion=").Append(from.ToString(CultureInfo.InvariantCulture));
        if (prevValue) path.Append("&prevValue=true");
        var response = await OpenStreamAsync(node, path.ToString(), lastEventId, ct).ConfigureAwait(false);
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            var problem = await ReadJsonOrDefaultAsync<ProblemDetails>(response, ct).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Gone && problem?.OldestVersion is { } oldest)
                throw new KvCompactedException(range, fromVersion, oldest, problem);
            throw Failure(response, problem);
        }
    }

    /// <summary>The events of a stream <see cref="OpenWatchAsync"/> opened.</summary>
    internal IAsyncEnumerable<System.Net.ServerSentEvents.SseItem<KvWatchFrame>> ReadWatchAsync(HttpResponseMessage response, Uri node, CancellationToken ct) =>
        ReadEventsAsync(response, node, "GET /kv/watch", KvWatchFrame.Parse, ct);

    private static string RangePath(KvRange range, string? after, int? limit, bool count, ReadConsistency consistency)
    {
        var path = new StringBuilder("kv?").Append(range.Query(allowKey: false));
        if (after is not null) path.Append("&after=").Append(Uri.EscapeDataString(after));
        if (limit is { } l) path.Append("&limit=").Append(l.ToString(CultureInfo.InvariantCulture));
        if (count) path.Append("&count=true");
        if (consistency == ReadConsistency.Local) path.Append("&consistency=local");
        return path.ToString().Replace("kv?&", "kv?", StringComparison.Ordinal);
    }

    private static string? FirstSession(KvTxnRequest txn)
    {
        foreach (var branch in new[] { txn.Success, txn.Failure })
        {
            if (branch is null) continue;
            foreach (var op in branch)
                if (op.SessionId is { Length: > 0 } id) return id;
        }
        return null;
    }
}
