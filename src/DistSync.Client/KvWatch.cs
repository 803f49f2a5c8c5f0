using System.Net;
using System.Runtime.CompilerServices;
using DistSync.Client.Contracts;

namespace DistSync.Client;

/// <summary>
/// A watch of a key range (<see cref="DistSyncClient.WatchAsync(KvRange, long?, bool, CancellationToken)"/>):
/// enumerate it for the changes in commit order. It remembers the last event's id and, when the stream drops or its
/// node goes away, reopens it on the client's next node (round robin) with <c>Last-Event-ID</c>, so the consumer
/// sees every change once, in order. Enumeration ends only by cancellation (<see cref="OperationCanceledException"/>)
/// or an error another node would not cure: <see cref="KvCompactedException"/> (the changes it needs are gone),
/// a 4xx <see cref="DistSyncApiException"/>, <see cref="InvalidDataException"/>. Enumerate it once at a time.
/// </summary>
public sealed class KvWatch : IAsyncEnumerable<KvWatchEvent>
{
    private readonly DistSyncClient _client;
    private readonly long? _fromVersion;
    private readonly bool _prevValue;
    private readonly CancellationToken _ct;
    private readonly TaskCompletionSource<KvWatchCreated> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal KvWatch(DistSyncClient client, KvRange range, long? fromVersion, bool prevValue, CancellationToken ct)
    {
        _client = client;
        Range = range;
        _fromVersion = fromVersion;
        _prevValue = prevValue;
        _ct = ct;
    }

    public KvRange Range { get; }

    /// <summary>
    /// Completes with the first stream's <c>created</c> event once the node registered the watch: from then on no
    /// change is missed (a watch without a start version shows what is committed after this). Faults when the
    /// enumeration ends before that.
    /// </summary>
    public Task<KvWatchCreated> Started => _started.Task;

    /// <summary>The id (<c>{version}.{n}</c>) of the last change yielded; null before the first.</summary>
    public string? LastEventId { get; private set; }

    /// <summary>How many times the stream was reopened; for observing, not for timing.</summary>
    public int Reconnects { get; private set; }

    /// <summary>Told of each move to another node before it is made (runs on the enumerating thread).</summary>
    public Action<KvWatchReconnect>? OnReconnect { get; set; }

    /// <summary>The pause once every node failed in a row without opening a stream (default 500 ms).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public IAsyncEnumerator<KvWatchEvent> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        FollowAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);

    private async IAsyncEnumerable<KvWatchEvent> FollowAsync([EnumeratorCancellation] CancellationToken outer)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(outer, _ct);
        var ct = linked.Token;
        var endpoints = _client.Endpoints;
        var node = Math.Max(0, IndexOf(endpoints, _client.BaseAddress));
        // Where the next stream starts: after `last` when a change was yielded, else at `from` (the asked version,
        // or the first stream's created.fromVersion once known, so a reconnect before any change misses nothing).
        var from = _fromVersion;
        (long Version, int N)? last = null;
        var barren = 0;
        try
        {
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                var uri = endpoints[node];
                Exception? reason = null;
                var opened = false;
                HttpResponseMessage? response = null;
                try
                {
                    // As an EventSource does: the same URL again, with the last id in the header.
                    response = await _client.OpenWatchAsync(uri, Range, from, _prevValue, LastEventId, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (TransientFailure.Is(e, ct))
                {
                    reason = e;
                }
                if (response is not null)
                {
                    using (response)
                    {
                        var events = _client.ReadWatchAsync(response, uri, ct).GetAsyncEnumerator(ct);
                        try
                        {
                            while (true)
                            {
                                try
                                {
                                    if (!await events.MoveNextAsync().ConfigureAwait(false)) break;
                                }
                                catch (Exception e) when (TransientFailure.Is(e, ct))
                                {
                                    reason = e;
                                    break;
                                }
                                var item = events.Current;
                                if (item.Data.Created is { } created)
                                {
                                    opened = true;
                                    from ??= created.FromVersion;
                                    _started.TrySetResult(created);
                                    continue;
                                }
                                if (item.Data.ErrorReason is { } why)
                                {
                                    // The node gives up on this stream (no-leader: its replica applies nothing): resume elsewhere.
                                    reason = new DistSyncApiException(HttpStatusCode.ServiceUnavailable, null, $"{uri.Authority} ended the watch stream: {why}");
                                    break;
                                }
                                if (item.Data.CompactedOldest is { } oldest)
                                    throw new KvCompactedException(Range, last is { } l ? l.Version : from, oldest, problem: null);
                                if (item.Data.Change is not { } change) continue;
                                if (KvWatchFrame.TryParseId(item.EventId, out var id))
                                {
                                    // Resumes are exact by the API; a change at or before the last one is dropped all the same.
                                    if (last is { } seen && (id.Version < seen.Version || (id.Version == seen.Version && id.N <= seen.N))) continue;
                                    last = id;
                                    LastEventId = item.EventId;
                                }
                                yield return change;
                            }
                        }
                        finally
                        {
                            await events.DisposeAsync().ConfigureAwait(false);
                        }
                    }
                }

                ct.ThrowIfCancellationRequested();
                var next = (node + 1) % endpoints.Count;
                Reconnects++;
                OnReconnect?.Invoke(new KvWatchReconnect(uri, endpoints[next], reason, LastEventId));
                node = next;
                barren = opened ? 0 : barren + 1;
                if (barren >= endpoints.Count) await Task.Delay(RetryDelay, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            if (ct.IsCancellationRequested) _started.TrySetCanceled(ct);
            else _started.TrySetException(new InvalidOperationException("the watch ended before a node registered it"));
        }
    }

    private static int IndexOf(IReadOnlyList<Uri> endpoints, Uri uri)
    {
        for (var i = 0; i < endpoints.Count; i++)
            if (endpoints[i] == uri) return i;
        return -1;
    }
}
