namespace DistSync.Queues;

/// <summary>
/// The message ids produced within the last <see cref="WindowMs"/> of log time, and the seq each was stored as.
/// Ids are added in log order (log time never goes back), so the oldest is always at the head and pruning is
/// O(ids pruned).
/// </summary>
internal sealed class DedupeWindow(long windowMs)
{
    private readonly Dictionary<string, (long Seq, long ProducedAtMs)> _byId = new(StringComparer.Ordinal);
    private readonly Queue<(string MessageId, long Seq, long ProducedAtMs)> _order = new();
    private long _lastAtMs = long.MinValue;

    public long WindowMs { get; } = windowMs;

    public int Count => _byId.Count;

    /// <summary>The seq stored for the id, if it is still remembered (call <see cref="Prune"/> first).</summary>
    public bool TryGet(string messageId, out long seq)
    {
        if (_byId.TryGetValue(messageId, out var entry))
        {
            seq = entry.Seq;
            return true;
        }

        seq = 0;
        return false;
    }

    /// <exception cref="InvalidDataException">Out of log order (only a corrupt snapshot can do that).</exception>
    public void Add(string messageId, long seq, long producedAtMs)
    {
        if (producedAtMs < _lastAtMs)
        {
            throw new InvalidDataException($"Dedupe id \"{messageId}\" at {producedAtMs} ms is older than one before it.");
        }

        _byId[messageId] = (seq, producedAtMs);
        _order.Enqueue((messageId, seq, producedAtMs));
        _lastAtMs = producedAtMs;
    }

    /// <summary>Forgets every id produced at or before <paramref name="nowMs"/> - window: a retry then stores again.</summary>
    public void Prune(long nowMs)
    {
        while (_order.Count > 0 && _order.Peek().ProducedAtMs + WindowMs <= nowMs)
        {
            var (id, seq, _) = _order.Dequeue();
            if (_byId.TryGetValue(id, out var entry) && entry.Seq == seq)
            {
                _byId.Remove(id);
            }
        }
    }

    /// <summary>The remembered ids, oldest first.</summary>
    public IEnumerable<(string MessageId, long Seq, long ProducedAtMs)> Export()
    {
        foreach (var e in _order)
        {
            if (_byId.TryGetValue(e.MessageId, out var live) && live.Seq == e.Seq)
            {
                yield return e;
            }
        }
    }
}
