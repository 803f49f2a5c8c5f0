namespace DistSync.Locks;

/// <summary>
/// The live sessions and their expiry order. Deterministic: ids come from the Raft index that created the session
/// ("s-&lt;index&gt;") and time only from log time, so every replica holds the same sessions. It knows nothing of
/// locks: the state machine releases a session's locks when it ends here, and other services hook into
/// <see cref="SessionEnded"/>. Not thread-safe (one state machine, one thread).
/// </summary>
public sealed class SessionRegistry
{
    private readonly Dictionary<string, SessionInfo> _sessions = new(StringComparer.Ordinal);
    private readonly SortedSet<(long ExpiresAtMs, string SessionId)> _byExpiry = new(ExpiryOrder.Instance);

    public int Count => _sessions.Count;

    /// <summary>The earliest expiry of a live session, or null when there is none.</summary>
    public long? NextExpiryMs => _byExpiry.Count == 0 ? null : _byExpiry.Min.ExpiresAtMs;

    /// <summary>The session id an entry at <paramref name="index"/> creates.</summary>
    public static string SessionIdFor(long index) => "s-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public SessionInfo? Find(string sessionId) => _sessions.GetValueOrDefault(sessionId);

    /// <summary>Every live session, sorted by id (ordinal).</summary>
    public IReadOnlyList<SessionInfo> All()
    {
        var all = new List<SessionInfo>(_sessions.Values);
        all.Sort(static (a, b) => string.CompareOrdinal(a.SessionId, b.SessionId));
        return all;
    }

    /// <summary>Creates the session of the entry at <paramref name="index"/>; the caller has validated the TTL.</summary>
    internal SessionInfo Create(long index, long nowMs, long ttlMs, string clientId)
    {
        var session = new SessionInfo(SessionIdFor(index), clientId, ttlMs, nowMs + ttlMs, index);
        if (!_sessions.TryAdd(session.SessionId, session))
        {
            throw new InvalidOperationException($"Session {session.SessionId} already exists: was index {index} applied twice?");
        }

        _byExpiry.Add((session.ExpiresAtMs, session.SessionId));
        return session;
    }

    /// <summary>Moves the expiry to <paramref name="nowMs"/> + TTL; null when the session is unknown (or already expired and removed).</summary>
    internal SessionInfo? KeepAlive(string sessionId, long nowMs)
    {
        if (!_sessions.TryGetValue(sessionId, out var session))
        {
            return null;
        }

        _byExpiry.Remove((session.ExpiresAtMs, sessionId));
        var renewed = session with { ExpiresAtMs = Math.Max(session.ExpiresAtMs, nowMs + session.TtlMs) };
        _sessions[sessionId] = renewed;
        _byExpiry.Add((renewed.ExpiresAtMs, sessionId));
        return renewed;
    }

    /// <summary>
    /// The leader-change grace: every session's expiry becomes at least <paramref name="nowMs"/> + its TTL (a full
    /// renewal, as if each had sent a keepalive now); none is shortened.
    /// </summary>
    internal void ExtendAll(long nowMs)
    {
        _byExpiry.Clear();
        foreach (var session in _sessions.Values.ToArray())
        {
            var extended = session with { ExpiresAtMs = Math.Max(session.ExpiresAtMs, nowMs + session.TtlMs) };
            _sessions[session.SessionId] = extended;
            _byExpiry.Add((extended.ExpiresAtMs, extended.SessionId));
        }
    }

    internal bool Remove(string sessionId)
    {
        if (!_sessions.Remove(sessionId, out var session))
        {
            return false;
        }

        _byExpiry.Remove((session.ExpiresAtMs, sessionId));
        return true;
    }

    /// <summary>The session that expires first if its expiry is at or before <paramref name="nowMs"/> (ties by id), else null.</summary>
    internal SessionInfo? PeekDue(long nowMs)
    {
        if (_byExpiry.Count == 0)
        {
            return null;
        }

        var first = _byExpiry.Min;
        return first.ExpiresAtMs <= nowMs ? _sessions[first.SessionId] : null;
    }

    internal void Clear()
    {
        _sessions.Clear();
        _byExpiry.Clear();
    }

    internal void Load(SessionInfo session)
    {
        if (!_sessions.TryAdd(session.SessionId, session))
        {
            throw new InvalidDataException($"Snapshot lists session {session.SessionId} twice.");
        }

        _byExpiry.Add((session.ExpiresAtMs, session.SessionId));
    }

    private sealed class ExpiryOrder : IComparer<(long ExpiresAtMs, string SessionId)>
    {
        public static readonly ExpiryOrder Instance = new();

        public int Compare((long ExpiresAtMs, string SessionId) x, (long ExpiresAtMs, string SessionId) y)
        {
            var byTime = x.ExpiresAtMs.CompareTo(y.ExpiresAtMs);
            return byTime != 0 ? byTime : string.CompareOrdinal(x.SessionId, y.SessionId);
        }
    }
}
