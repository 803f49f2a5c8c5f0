using System.Runtime.CompilerServices;
using DistSync.Client.Contracts;

namespace DistSync.Client;

/// <summary>
/// A subscription's move to another node: <see cref="Lost"/> stopped serving (its stream ended, or
/// <see cref="Reason"/> broke it) and the stream resumes at seq <see cref="ResumeFrom"/> on <see cref="Next"/>.
/// </summary>
public sealed record BroadcastReconnect(Uri Lost, Uri Next, Exception? Reason, long ResumeFrom);

/// <summary>
/// Follows one topic over several nodes: when the stream drops or its node dies, it subscribes at the next node
/// (round robin) from the last seq it yielded + 1. The enumeration yields each seq exactly once, in order, with
/// no gap: a seq already yielded is dropped, and a jump past the next seq is filled with
/// <see cref="DistSyncClient.ReadAsync"/> from the node that sent it (it has applied everything before).
/// Not thread-safe: enumerate one <see cref="FollowAsync"/> at a time. The clients stay the caller's.
/// </summary>
public sealed class BroadcastSubscription
{
    /// <summary>Largest page the gap filling asks for.</summary>
    private const int GapPage = 100;

    private readonly IReadOnlyList<DistSyncClient> _nodes;
    private readonly string _topic;
    private readonly TimeSpan _retryDelay;
    private readonly Action<BroadcastReconnect>? _onReconnect;
    private readonly string? _sessionId;
    private int _current;

    /// <param name="nodes">The nodes to use, the first one first.</param>
    /// <param name="retryDelay">The pause once every node failed in a row without a message (default 500 ms).</param>
    /// <param name="onReconnect">Told of each move to another node, before it is made (runs on the enumerating thread).</param>
    /// <param name="sessionId">Ties the streams to this session: once it ends, the next stream is refused (404) and the enumeration ends with it.</param>
    public BroadcastSubscription(IReadOnlyList<DistSyncClient> nodes, string topic, TimeSpan? retryDelay = null, Action<BroadcastReconnect>? onReconnect = null,
        string? sessionId = null)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        if (nodes.Count == 0) throw new ArgumentException("no nodes given", nameof(nodes));
        if (string.IsNullOrWhiteSpace(topic)) throw new ArgumentException("the topic is empty", nameof(topic));
        if (retryDelay < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(retryDelay), $"the retry delay must not be negative, was {retryDelay}");
        _nodes = [.. nodes];
        _topic = topic;
        _retryDelay = retryDelay ?? TimeSpan.FromMilliseconds(500);
        _onReconnect = onReconnect;
        _sessionId = sessionId;
    }

    /// <summary>The seq last yielded (<c>from - 1</c> before the first).</summary>
    public long LastSeq { get; private set; }

    /// <summary>The node the subscription uses now.</summary>
    public Uri CurrentNode => _nodes[_current].BaseAddress;

    /// <summary>
    /// The topic's messages from seq <paramref name="from"/> on, until <paramref name="ct"/> fires
    /// (<see cref="OperationCanceledException"/>). Unreachable nodes, broken or closed streams and 5xx answers move
    /// to the next node; other errors end the enumeration, among them <see cref="BroadcastGoneException"/> (messages
    /// the caller has not seen were trimmed).
    /// </summary>
    public IAsyncEnumerable<BroadcastMessage> FollowAsync(long from, CancellationToken ct = default)
    {
        if (from < 1) throw new ArgumentOutOfRangeException(nameof(from), $"seqs start at 1, from was {from}");
        return FollowCoreAsync(from, ct);
    }

    private async IAsyncEnumerable<BroadcastMessage> FollowCoreAsync(long from, [EnumeratorCancellation] CancellationToken ct)
    {
        // Invariant: every seq from `from` to LastSeq has been yielded exactly once, in order. LastSeq moves before
        // each yield, as the caller may stop at any of them.
        LastSeq = from - 1;
        var barren = 0; // attempts in a row that yielded nothing
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var node = _nodes[_current];
            var yielded = false;
            Exception? reason = null;
            var stream = node.SubscribeAsync(_topic, LastSeq + 1, _sessionId, ct).GetAsyncEnumerator(ct);
            try
            {
                while (reason is null)
                {
                    BroadcastMessage message;
                    try
                    {
                        if (!await stream.MoveNextAsync().ConfigureAwait(false)) break;
                        message = stream.Current;
                    }
                    catch (Exception e) when (TransientFailure.Is(e, ct))
                    {
                        reason = e;
                        break;
                    }
                    if (message.Seq <= LastSeq) continue; // sent again after a resume

                    if (message.Seq > LastSeq + 1)
                    {
                        IReadOnlyList<BroadcastMessage> gap;
                        try
                        {
                            gap = await ReadGapAsync(node, LastSeq + 1, message.Seq - 1, ct).ConfigureAwait(false);
                        }
                        catch (Exception e) when (TransientFailure.Is(e, ct))
                        {
                            reason = e;
                            break;
                        }
                        foreach (var missed in gap)
                        {
                            LastSeq = missed.Seq;
                            yielded = true;
                            yield return missed;
                        }
                        if (LastSeq + 1 != message.Seq)
                        {
                            reason = new InvalidDataException($"{node.BaseAddress.Authority} sent seq {message.Seq} but its read stopped before seq {LastSeq + 1}");
                            break;
                        }
                    }

                    LastSeq = message.Seq;
                    yielded = true;
                    yield return message;
                }
            }
            finally
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            ct.ThrowIfCancellationRequested();
            _current = (_current + 1) % _nodes.Count;
            _onReconnect?.Invoke(new BroadcastReconnect(node.BaseAddress, _nodes[_current].BaseAddress, reason, LastSeq + 1));
            barren = yielded ? 0 : barren + 1;
            if (barren >= _nodes.Count) await Task.Delay(_retryDelay, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Seqs <paramref name="from"/>..<paramref name="to"/> read from <paramref name="node"/>, as far as they run without a hole.</summary>
    private async Task<IReadOnlyList<BroadcastMessage>> ReadGapAsync(DistSyncClient node, long from, long to, CancellationToken ct)
    {
        var filled = new List<BroadcastMessage>();
        var want = from;
        while (want <= to)
        {
            var page = await node.ReadAsync(_topic, want, (int)Math.Min(to - want + 1, GapPage), ct).ConfigureAwait(false);
            var before = want;
            foreach (var m in page)
            {
                if (m.Seq < want) continue;
                if (m.Seq > want || m.Seq > to) break;
                filled.Add(m);
                want++;
            }
            if (want == before) break;
        }
        return filled;
    }
}
