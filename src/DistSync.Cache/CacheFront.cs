using System.Collections.Concurrent;
using Akka.Actor;
using DistSync.Cache.Lines;
using DistSync.Cache.Messages;
using DistSync.Cache.Wire;

namespace DistSync.Cache;

/// <summary>
/// What a node's HTTP routes (and an embedding application) use of its cache. A read hit is answered here, from the
/// line's published snapshot: no message, not even to a local actor. A miss, a write and an invalidation are asked of
/// the node cache (or the key's home) and complete with the protocol's answer.
/// </summary>
public sealed class CacheFront
{
    private readonly ConcurrentDictionary<string, CacheLineView> views;
    private readonly IActorRef nodeCache;
    private readonly IActorRef homes;

    public CacheFront(ConcurrentDictionary<string, CacheLineView> views, IActorRef nodeCache, IActorRef homes, CacheSettings settings, CacheStats stats)
    {
        this.views = views;
        this.nodeCache = nodeCache;
        this.homes = homes;
        Settings = settings;
        Stats = stats;
    }

    public CacheSettings Settings { get; }
    public CacheStats Stats { get; }

    /// <summary>The node cache actor (<c>/user/cache</c>).</summary>
    public IActorRef NodeCache => nodeCache;

    /// <summary>A read served from this node's line when it holds the key in S, E or M; false when it must ask.</summary>
    public bool TryHit(string key, out LineSnapshot line)
    {
        if (views.TryGetValue(key, out var view))
        {
            var snapshot = view.Snapshot;
            if (snapshot.State != LineState.Invalid)
            {
                view.Touch();
                Stats.Hit();
                line = snapshot;
                return true;
            }
        }
        line = LineSnapshot.Invalid;
        return false;
    }

    /// <summary>Reads <paramref name="key"/>: a hit at once, else through the line and the key's home.</summary>
    public Task<CacheReadResult> ReadAsync(string key, CancellationToken ct = default)
    {
        if (TryHit(key, out var line)) return Task.FromResult(new CacheReadResult(true, line.Value, line.State, true, line.Version));
        return AskAsync<CacheReadResult>(nodeCache, new CacheRead(key), ct);
    }

    /// <summary>Writes <paramref name="value"/>; completes once every other copy is invalidated (and, under
    /// write-through, the value is committed). Throws <see cref="CacheRequestFailedException"/> when refused.</summary>
    public Task<CacheWriteResult> WriteAsync(string key, string value, string? fenceResource = null, long fenceToken = 0, CancellationToken ct = default) =>
        AskAsync<CacheWriteResult>(nodeCache, new CacheWrite(key, value, fenceResource, fenceToken), ct);

    /// <summary>Removes every copy of <paramref name="key"/> and its KV value.</summary>
    public Task<InvalidateDone> InvalidateAsync(string key, CancellationToken ct = default) =>
        AskAsync<InvalidateDone>(homes, new HomeInvalidate { Key = key }, ct);

    /// <summary>Counts of this node's lines by state (a scan of the published snapshots).</summary>
    public (int Lines, int M, int E, int S, int I) CountByState()
    {
        int m = 0, e = 0, s = 0, i = 0;
        foreach (var view in views.Values)
        {
            switch (view.Snapshot.State)
            {
                case LineState.Modified: m++; break;
                case LineState.Exclusive: e++; break;
                case LineState.Shared: s++; break;
                default: i++; break;
            }
        }
        return (m + e + s + i, m, e, s, i);
    }

    /// <summary>The state this node holds <paramref name="key"/> in now (specs, the dashboard).</summary>
    public LineState StateOf(string key) => views.TryGetValue(key, out var v) ? v.Snapshot.State : LineState.Invalid;

    /// <summary>Reads served by this node's current line of <paramref name="key"/> (0 without one).</summary>
    public long AccessesOf(string key) => views.TryGetValue(key, out var v) ? v.Accesses : 0;

    private async Task<T> AskAsync<T>(IActorRef to, object message, CancellationToken ct)
    {
        // the line and the home have their own timeouts (and answer with a failure); this one only bounds a lost answer
        var answer = await to.Ask<object>(message, Settings.RequestTimeout * 3 + Settings.StoreTimeout, ct).ConfigureAwait(false);
        return answer switch
        {
            T result => result,
            CacheFailure failure => throw new CacheRequestFailedException(failure),
            Status.Failure f => throw new CacheRequestFailedException(new CacheFailure(CacheFailure.Failed, f.Cause.Message)),
            _ => throw new CacheRequestFailedException(new CacheFailure(CacheFailure.Failed, $"unexpected answer {answer.GetType().Name}")),
        };
    }
}
