namespace DistSync.Raft;

/// <summary>
/// Client sessions of a replicated state machine: exactly-once application of (client id, sequence) commands and
/// deterministic expiry. Time is ONLY the leader timestamp carried by committed entries (<see cref="Entry.TimestampMs"/>):
/// the table's clock is the highest timestamp applied so far, so every replica expires the same sessions at the
/// same log position, whatever its local clock says. Clients issue one command at a time per session (the usual
/// Raft client protocol), so one cached result per client suffices.
/// <para>Usage per committed entry: <see cref="AdvanceTime"/> (handle the expired ids it returns), then for a
/// session command <see cref="Check"/>, apply when <see cref="SessionCheck.New"/>, then <see cref="Record"/>.</para>
/// Not thread-safe (state machines apply on one thread).
/// </summary>
public sealed class SessionTable<TResult>
{
    private sealed class Session
    {
        public ulong ClientId;
        public ulong LastSequence;
        public TResult? LastResult;
        public long LastActiveMs;
    }

    private readonly Dictionary<ulong, Session> sessions = new();
    // Ordered by expiry deadline, then client id: expiry order is deterministic.
    private readonly SortedSet<(long Deadline, ulong ClientId)> deadlines = new();

    public SessionTable(long sessionTimeoutMs)
    {
        if (sessionTimeoutMs <= 0) throw new ArgumentOutOfRangeException(nameof(sessionTimeoutMs), "session timeout must be positive");
        SessionTimeoutMs = sessionTimeoutMs;
    }

    public long SessionTimeoutMs { get; }

    /// <summary>The table's clock: the highest leader timestamp applied.</summary>
    public long NowMs { get; private set; }

    public int Count => sessions.Count;

    public bool IsOpen(ulong clientId) => sessions.ContainsKey(clientId);

    /// <summary>
    /// Moves the clock to <paramref name="timestampMs"/> (never backwards: a new leader's clock may lag the old one's)
    /// and expires every session idle for the timeout. Returns the expired client ids in expiry order.
    /// </summary>
    public IReadOnlyList<ulong> AdvanceTime(long timestampMs)
    {
        if (timestampMs > NowMs) NowMs = timestampMs;
        if (deadlines.Count == 0 || deadlines.Min.Deadline > NowMs) return Array.Empty<ulong>();
        var expired = new List<ulong>();
        while (deadlines.Count > 0 && deadlines.Min.Deadline <= NowMs)
        {
            var first = deadlines.Min;
            deadlines.Remove(first);
            sessions.Remove(first.ClientId);
            expired.Add(first.ClientId);
        }
        return expired;
    }

    /// <summary>Opens a session (or keeps an open one alive). Returns false if it was already open.</summary>
    public bool Open(ulong clientId)
    {
        if (clientId == 0) throw new ArgumentOutOfRangeException(nameof(clientId), "client id 0 means 'no session'");
        if (sessions.TryGetValue(clientId, out var existing))
        {
            Touch(existing);
            return false;
        }
        var s = new Session { ClientId = clientId, LastActiveMs = NowMs };
        sessions[clientId] = s;
        deadlines.Add((Deadline(s), clientId));
        return true;
    }

    /// <summary>Keeps a session alive without a command. False if it is not open.</summary>
    public bool KeepAlive(ulong clientId)
    {
        if (!sessions.TryGetValue(clientId, out var s)) return false;
        Touch(s);
        return true;
    }

    /// <summary>Closes a session explicitly. False if it was not open.</summary>
    public bool Close(ulong clientId)
    {
        if (!sessions.Remove(clientId, out var s)) return false;
        deadlines.Remove((Deadline(s), clientId));
        return true;
    }

    /// <summary>Classifies command <paramref name="sequence"/> of <paramref name="clientId"/>; a duplicate yields the cached result.</summary>
    public SessionCheck Check(ulong clientId, ulong sequence, out TResult? cached)
    {
        cached = default;
        if (!sessions.TryGetValue(clientId, out var s)) return SessionCheck.UnknownSession;
        Touch(s);
        if (sequence > s.LastSequence) return SessionCheck.New;
        if (sequence == s.LastSequence)
        {
            cached = s.LastResult;
            return SessionCheck.Duplicate;
        }
        return SessionCheck.Stale;
    }

    /// <summary>Stores the result of the command just applied for <paramref name="clientId"/>.</summary>
    public void Record(ulong clientId, ulong sequence, TResult result)
    {
        if (!sessions.TryGetValue(clientId, out var s)) throw new InvalidOperationException($"session {clientId} is not open");
        if (sequence <= s.LastSequence) throw new InvalidOperationException($"session {clientId}: sequence {sequence} is not after {s.LastSequence}");
        s.LastSequence = sequence;
        s.LastResult = result;
        Touch(s);
    }

    /// <summary>Sessions in client id order, for the state machine's snapshot.</summary>
    public IReadOnlyList<SessionRecord<TResult>> Export()
    {
        var list = new List<SessionRecord<TResult>>(sessions.Count);
        foreach (var s in sessions.Values) list.Add(new SessionRecord<TResult>(s.ClientId, s.LastSequence, s.LastResult, s.LastActiveMs));
        list.Sort((a, b) => a.ClientId.CompareTo(b.ClientId));
        return list;
    }

    /// <summary>Replaces the table with a snapshot's content.</summary>
    public void Import(IEnumerable<SessionRecord<TResult>> records, long nowMs)
    {
        sessions.Clear();
        deadlines.Clear();
        NowMs = nowMs;
        foreach (var r in records)
        {
            var s = new Session { ClientId = r.ClientId, LastSequence = r.LastSequence, LastResult = r.LastResult, LastActiveMs = r.LastActiveMs };
            sessions[r.ClientId] = s;
            deadlines.Add((Deadline(s), r.ClientId));
        }
    }

    private long Deadline(Session s) => s.LastActiveMs + SessionTimeoutMs;

    private void Touch(Session s)
    {
        if (s.LastActiveMs == NowMs) return;
        deadlines.Remove((Deadline(s), s.ClientId));
        s.LastActiveMs = NowMs;
        deadlines.Add((Deadline(s), s.ClientId));
    }
}
