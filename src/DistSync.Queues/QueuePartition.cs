using DistSync.Queues.Wire;

namespace DistSync.Queues;

/// <summary>
/// The state of one partition and its transitions, with the indexes that keep every command O(log n) per message
/// touched: messages by seq, ready and delayed sets per sub-queue, leases by (deadline, seq), leases by consumer
/// session, dedupe ids in log order, and the highest fencing token per resource. Input checks and results live in
/// <see cref="QueuePartitionStateMachine"/>; this class trusts its caller.
/// </summary>
/// <remarks>
/// Invariants (after every applied entry): each message is in exactly one of Main/DeadLetters, and there in exactly
/// one of ready, delayed (ReadyAtMs &gt; NowMs) or in flight (in <c>_leases</c>, deadline &gt; NowMs, and in
/// <c>_sessions</c> when it has a session); <c>Main.Count + DeadLetters.Count = _messages.Count =
/// ProducedTotal - AckedTotal</c>.
/// </remarks>
internal sealed partial class QueuePartition
{
    private readonly Dictionary<long, QueueMessage> _messages = [];
    private readonly SortedSet<(long DeadlineMs, long Seq)> _leases = [];
    private readonly Dictionary<ulong, SortedSet<long>> _sessions = [];
    private readonly Dictionary<string, long> _fences = new(StringComparer.Ordinal);

    public QueuePartition(QueueOptions options)
    {
        Options = options;
        Dedupe = new DedupeWindow(options.DedupeWindowMs);
    }

    public QueueOptions Options { get; }

    public SubQueue Main { get; } = new();

    public SubQueue DeadLetters { get; } = new();

    public DedupeWindow Dedupe { get; }

    public long LastAppliedIndex { get; private set; }

    /// <summary>The partition's clock: the largest log time applied (a new leader's clock may lag; time never goes back).</summary>
    public long NowMs { get; private set; }

    public long ProducedTotal { get; private set; }

    public long AckedTotal { get; private set; }

    public long DeadLetteredTotal { get; private set; }

    public int MessageCount => _messages.Count;

    public int SessionCount => _sessions.Count;

    public long? NextLeaseDeadlineMs => _leases.Count == 0 ? null : _leases.Min.DeadlineMs;

    public QueueMessage? Find(long seq) => _messages.GetValueOrDefault(seq);

    /// <summary>Every stored message, in no particular order (for tests and invariant checks, not the apply path).</summary>
    public IEnumerable<QueueMessage> Messages => _messages.Values;

    /// <summary>
    /// Moves to the entry's index and log time and ends what is due there: expired leases (redelivered or
    /// dead-lettered), delays that are over, dedupe ids out of the window. Every command runs after this, so its
    /// result does not depend on whether an Expire entry came first.
    /// </summary>
    public (int Expired, int DeadLettered) Advance(long index, long timestampMs)
    {
        LastAppliedIndex = index;
        NowMs = Math.Max(NowMs, timestampMs);
        var expired = 0;
        var deadLettered = 0;
        while (_leases.Count > 0 && _leases.Min.DeadlineMs <= NowMs)
        {
            expired++;
            if (Return(_messages[_leases.Min.Seq], 0, DeadLetterReason.LeaseExpired))
            {
                deadLettered++;
            }
        }

        Main.PromoteDue(NowMs, _messages);
        DeadLetters.PromoteDue(NowMs, _messages);
        Dedupe.Prune(NowMs);
        return (expired, deadLettered);
    }

    /// <summary>The highest fencing token seen for the resource, 0 for none (tokens are Raft indexes, so &gt; 0).</summary>
    public long HighestFence(string resource) => _fences.GetValueOrDefault(resource);

    public void RaiseFence(string resource, long token)
    {
        if (token > HighestFence(resource))
        {
            _fences[resource] = token;
        }
    }

    /// <summary>Stores a new message as ready in the main sub-queue, and remembers its id for dedupe.</summary>
    public void Store(QueueMessage message)
    {
        _messages.Add(message.Seq, message);
        Main.AddReady(message);
        ProducedTotal++;
        if (Dedupe.WindowMs > 0)
        {
            Dedupe.Add(message.MessageId, message.Seq, NowMs);
        }
    }

    /// <summary>
    /// Leases up to <paramref name="max"/> ready messages of <paramref name="queue"/> in delivery order, stopping
    /// before the one that would take the leased payload past <see cref="QueueOptions.MaxConsumeBytes"/> (the first
    /// always goes, so an oversized message cannot block its queue).
    /// </summary>
    public void Lease(SubQueue queue, int max, long leaseId, long deadlineMs, ulong sessionId, List<QueueMessage> leased)
    {
        long bytes = 0;
        while (leased.Count < max && queue.TryPeekReady(out var seq))
        {
            var message = _messages[seq];
            bytes += message.Payload.Length;
            if (leased.Count > 0 && bytes > Options.MaxConsumeBytes)
            {
                return;
            }

            queue.RemoveReady(message);
            queue.InFlightCount++;
            message.LeaseId = leaseId;
            message.LeaseDeadlineMs = deadlineMs;
            message.SessionId = sessionId;
            message.DeliveryCount++;
            TrackLease(message);
            leased.Add(message);
        }
    }

    /// <summary>The message the receipt names, if that receipt is its current lease (lease ids are never 0).</summary>
    public QueueMessage? Leased(Receipt receipt) =>
        receipt.LeaseId != 0 && _messages.TryGetValue(receipt.Seq, out var m) && m.LeaseId == receipt.LeaseId ? m : null;

    /// <summary>Deletes an in-flight message for good.</summary>
    public void Ack(QueueMessage message)
    {
        EndLease(message);
        _messages.Remove(message.Seq);
        AckedTotal++;
    }

    /// <summary>
    /// Ends an in-flight message's lease: after its last allowed delivery a main-queue message moves to the
    /// dead-letter sub-queue (ready there, delivery count 0, <paramref name="reason"/> kept); otherwise it is ready
    /// again, or delayed until now + <paramref name="delayMs"/>. Dead letters are never dead-lettered again, so they
    /// redeliver for as long as nobody acks them.
    /// </summary>
    /// <returns>True when the message was dead-lettered.</returns>
    public bool Return(QueueMessage message, long delayMs, DeadLetterReason reason)
    {
        EndLease(message);
        if (!message.DeadLetter && message.DeliveryCount >= Options.MaxDeliveries)
        {
            message.DeadLetter = true;
            message.DeadLetterReason = reason;
            message.DeliveryCount = 0;
            DeadLetters.AddReady(message);
            DeadLetteredTotal++;
            return true;
        }

        var queue = QueueOf(message);
        if (delayMs > 0)
        {
            queue.AddDelayed(message, NowMs + delayMs);
        }
        else
        {
            queue.AddReady(message);
        }

        return false;
    }

    /// <summary>Returns every lease the session holds, in seq order; false when it holds none.</summary>
    public bool ReleaseSession(ulong sessionId, out int returned, out int deadLettered)
    {
        returned = 0;
        deadLettered = 0;
        if (!_sessions.Remove(sessionId, out var held))
        {
            return false;
        }

        foreach (var seq in held)
        {
            var message = _messages[seq];
            message.SessionId = 0; // the session's set is gone already: EndLease must not look for it
            if (Return(message, 0, DeadLetterReason.SessionReleased))
            {
                deadLettered++;
            }
            else
            {
                returned++;
            }
        }

        return true;
    }

    private SubQueue QueueOf(QueueMessage message) => message.DeadLetter ? DeadLetters : Main;

    /// <summary>Indexes an in-flight message's lease by deadline and by session.</summary>
    private void TrackLease(QueueMessage message)
    {
        _leases.Add((message.LeaseDeadlineMs, message.Seq));
        if (message.SessionId != 0)
        {
            if (!_sessions.TryGetValue(message.SessionId, out var held))
            {
                held = [];
                _sessions.Add(message.SessionId, held);
            }

            held.Add(message.Seq);
        }
    }

    private void EndLease(QueueMessage message)
    {
        _leases.Remove((message.LeaseDeadlineMs, message.Seq));
        if (message.SessionId != 0 && _sessions.TryGetValue(message.SessionId, out var held))
        {
            held.Remove(message.Seq);
            if (held.Count == 0)
            {
                _sessions.Remove(message.SessionId);
            }
        }

        QueueOf(message).InFlightCount--;
        message.LeaseId = 0;
        message.LeaseDeadlineMs = 0;
        message.SessionId = 0;
    }
}
