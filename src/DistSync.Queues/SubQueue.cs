namespace DistSync.Queues;

/// <summary>
/// The ready and delayed indexes of one sub-queue (the queue itself or its dead-letter queue), by seq. In-flight
/// messages are indexed by the partition's lease set; this only counts them.
/// </summary>
/// <remarks>
/// Ready messages sit in one set per priority ordered by seq, not in plain FIFOs: a redelivered message goes back to
/// its commit-order place, ahead of later messages of its key, and the next to lease is always the lowest seq of the
/// highest non-empty priority. New messages have the largest seq, so a produce is an append in all but name.
/// Every operation is O(log n).
/// </remarks>
internal sealed class SubQueue
{
    /// <summary>Priorities 0..9; 9 is delivered first.</summary>
    public const int Priorities = 10;

    private readonly SortedSet<long>[] _ready = new SortedSet<long>[Priorities];
    private readonly SortedSet<(long ReadyAtMs, long Seq)> _delayed = [];

    public SubQueue()
    {
        for (var p = 0; p < Priorities; p++)
        {
            _ready[p] = [];
        }
    }

    // Invariant: ReadyCount = sum of _ready[p].Count.
    public int ReadyCount { get; private set; }

    public int DelayedCount => _delayed.Count;

    public int InFlightCount { get; set; }

    public int Count => ReadyCount + DelayedCount + InFlightCount;

    public void AddReady(QueueMessage message)
    {
        message.ReadyAtMs = 0;
        if (_ready[message.Priority].Add(message.Seq))
        {
            ReadyCount++;
        }
    }

    public void AddDelayed(QueueMessage message, long readyAtMs)
    {
        message.ReadyAtMs = readyAtMs;
        _delayed.Add((readyAtMs, message.Seq));
    }

    /// <summary>The next message to lease: the lowest seq of the highest priority that has a ready one.</summary>
    public bool TryPeekReady(out long seq)
    {
        for (var p = Priorities - 1; p >= 0; p--)
        {
            if (_ready[p].Count > 0)
            {
                seq = _ready[p].Min;
                return true;
            }
        }

        seq = 0;
        return false;
    }

    public void RemoveReady(QueueMessage message)
    {
        if (_ready[message.Priority].Remove(message.Seq))
        {
            ReadyCount--;
        }
    }

    /// <summary>Makes ready every delayed message whose time has come (ready at or before <paramref name="nowMs"/>).</summary>
    public void PromoteDue(long nowMs, Dictionary<long, QueueMessage> messages)
    {
        while (_delayed.Count > 0 && _delayed.Min.ReadyAtMs <= nowMs)
        {
            var due = _delayed.Min;
            _delayed.Remove(due);
            AddReady(messages[due.Seq]);
        }
    }
}
