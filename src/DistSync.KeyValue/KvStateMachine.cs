using System.Text;
using DistSync.KeyValue.Wire;
using DistSync.Raft;
using Google.Protobuf;

namespace DistSync.KeyValue;

/// <summary>
/// The replicated key-value store (API.md "Key-value", docs/KV.md) as a deterministic state machine: no clock, no
/// randomness, no IO. A key's version is the Raft index of its last write, so versions of a key only grow and a
/// compare-and-set names exactly one write. Writes go through the log (<see cref="Apply(AppliedEntry)"/>): puts,
/// deletes, range deletes and transactions, each one entry. Reads (<see cref="Get"/>, <see cref="Range"/>,
/// <see cref="ReadChanges"/>) are queries the host runs on the group's thread, linearizable when it waits for a
/// ReadIndex first. Not thread-safe: one owner applies entries and answers reads.
/// </summary>
/// <remarks>
/// <para><b>Client sessions.</b> A command proposed with a client id and sequence number is applied at most once:
/// a retry of the session's last sequence returns the cached result, an older one is answered
/// <see cref="StaleSequence"/>. A session opens with its first command and is forgotten after
/// <see cref="SessionTimeoutMs"/> of log time without commands (a retry after that would apply again).</para>
/// <para><b>Ephemeral keys</b> are bound to a lock-service session (<see cref="SessionIsLive"/> tells which exist);
/// the host calls <see cref="EndSessions"/> in the entry that ends sessions, which deletes their keys.</para>
/// <para><b>Changes</b> (one per key a write touched, numbered within the entry) are raised through
/// <see cref="Changed"/> and retained in a bounded watch history that is part of the snapshot.</para>
/// <para><b>Snapshots</b> are sorted (keys ordinally, sessions by client id), so equal states give equal bytes.</para>
/// </remarks>
public sealed partial class KvStateMachine : IRaftStateMachine
{
    /// <summary>Default idle time after which a client session is forgotten: 10 minutes of log time.</summary>
    public const long DefaultSessionTimeoutMs = 10 * 60 * 1000;

    private readonly Dictionary<string, KvValue> _data = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _sorted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _bySession = new(StringComparer.Ordinal);
    private readonly KvHistory _history;
    private SessionTable<KvResult> _sessions;
    private long _bytes;
    private long _changeVersion;
    private int _nextOrdinal;
    private long _entryTimeMs;

    public KvStateMachine(KvLimits? limits = null, long sessionTimeoutMs = DefaultSessionTimeoutMs)
    {
        Limits = limits ?? KvLimits.Default;
        Limits.Validate();
        _sessions = new SessionTable<KvResult>(sessionTimeoutMs);
        _history = new KvHistory(Limits.WatchHistory, Limits.WatchHistoryBytes);
    }

    public KvLimits Limits { get; }

    public long SessionTimeoutMs => _sessions.SessionTimeoutMs;

    /// <summary>The index of the last entry that reached the store (0 before the first).</summary>
    public long LastAppliedIndex { get; private set; }

    /// <summary>Number of keys stored.</summary>
    public int Count => _data.Count;

    /// <summary>UTF-8 bytes of every key and value stored.</summary>
    public long Bytes => _bytes;

    /// <summary>Number of open client sessions.</summary>
    public int SessionCount => _sessions.Count;

    /// <summary>Changes retained for watches.</summary>
    public int HistoryCount => _history.Count;

    /// <summary>The highest version whose changes the watch history has dropped (0: none).</summary>
    public long CompactedThrough => _history.CompactedThrough;

    /// <summary>Tells whether a lock-service session is live; a put bound to a session that is not is refused. Null:
    /// no session is live (a store without a lock service).</summary>
    public Func<string, bool>? SessionIsLive { get; set; }

    /// <summary>Raised on the applying thread for every change, in commit order; handlers must not block or throw.</summary>
    public Action<KvChange>? Changed { get; set; }

    /// <summary>The store has nothing to expire on its own (sessions are forgotten lazily as entries pass).</summary>
    public long? NextDeadlineMs => null;

    /// <summary>No expire command: see <see cref="NextDeadlineMs"/>.</summary>
    public ReadOnlyMemory<byte> ExpireCommand => ReadOnlyMemory<byte>.Empty;

    /// <summary>The key's value and version, or null when it does not exist.</summary>
    public KvValue? Get(string key) => _data.TryGetValue(key, out var v) ? v : null;

    /// <summary>The keys bound to <paramref name="sessionId"/>, sorted.</summary>
    public IReadOnlyList<string> KeysOf(string sessionId)
    {
        if (!_bySession.TryGetValue(sessionId, out var keys)) return Array.Empty<string>();
        var sorted = new string[keys.Count];
        keys.CopyTo(sorted);
        Array.Sort(sorted, StringComparer.Ordinal);
        return sorted;
    }

    /// <summary>Applies a committed entry whose payload is an encoded <see cref="KvCommand"/>; returns the encoded <see cref="KvResult"/>.</summary>
    public ReadOnlyMemory<byte> Apply(AppliedEntry entry)
    {
        KvCommand command;
        try
        {
            command = KvCommand.Parser.ParseFrom(entry.Data.Span);
        }
        catch (InvalidProtocolBufferException)
        {
            // Still an applied entry: the index advances on every replica alike.
            command = new KvCommand();
        }
        return Apply(entry.Index, entry.TimestampMs, entry.ClientId, entry.Sequence, command).ToByteArray();
    }

    /// <summary>Applies one committed command.</summary>
    /// <param name="index">The entry's Raft index; strictly greater than every index applied before.</param>
    /// <param name="timestampMs">The leader's clock stamped on the entry (drives session expiry, stamps changes).</param>
    /// <param name="clientId">Client session id, 0 for none.</param>
    /// <param name="sequence">The command's sequence number within the session.</param>
    /// <exception cref="ArgumentOutOfRangeException">The index is not after <see cref="LastAppliedIndex"/> (a host bug).</exception>
    public KvResult Apply(long index, long timestampMs, ulong clientId, ulong sequence, KvCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (index <= LastAppliedIndex)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"entry {index} is not after the last applied entry {LastAppliedIndex}");
        LastAppliedIndex = index;
        _entryTimeMs = timestampMs;
        _sessions.AdvanceTime(timestampMs);

        KvResult result;
        if (clientId == 0)
        {
            result = Execute(index, command);
        }
        else
        {
            _sessions.Open(clientId);
            switch (_sessions.Check(clientId, sequence, out var cached))
            {
                case SessionCheck.Duplicate:
                    return cached!;
                case SessionCheck.Stale:
                    return new KvResult { StaleSequence = new StaleSequence { LastSequence = LastSequenceOf(clientId) } };
                default:
                    result = Execute(index, command);
                    _sessions.Record(clientId, sequence, result);
                    break;
            }
        }
        _history.Trim();
        return result;
    }

    /// <summary>
    /// Deletes every key bound to the ended sessions, as part of the entry <paramref name="index"/> that ended them
    /// (keys in session order, then ordinal order). Returns how many keys went.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is before <see cref="LastAppliedIndex"/> (a host bug).</exception>
    public int EndSessions(long index, long timestampMs, IReadOnlyList<string> sessionIds)
    {
        if (index < LastAppliedIndex)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"entry {index} is before the last applied entry {LastAppliedIndex}");
        LastAppliedIndex = index;
        _entryTimeMs = timestampMs;
        var deleted = 0;
        foreach (var sessionId in sessionIds)
        {
            foreach (var key in KeysOf(sessionId)) deleted += DeleteCore(index, key) ? 1 : 0;
        }
        if (deleted > 0) _history.Trim();
        return deleted;
    }

    private KvResult Execute(long index, KvCommand command)
    {
        switch (command.CommandCase)
        {
            case KvCommand.CommandOneofCase.Put:
                return ExecutePut(index, command.Put);
            case KvCommand.CommandOneofCase.Delete:
                if (Limits.CheckKey(command.Delete.Key) is { } badKey) return Invalid("key", badKey);
                return new KvResult { Deleted = new Deleted { Existed = DeleteCore(index, command.Delete.Key) } };
            case KvCommand.CommandOneofCase.DeleteRange:
                var range = KvKeyRange.FromWire(command.DeleteRange.Range);
                if (Limits.CheckRange(range) is { } badRange) return Invalid("prefix", badRange);
                return new KvResult { DeletedRange = new DeletedRange { Deleted = DeleteRangeCore(index, range), Version = index } };
            case KvCommand.CommandOneofCase.Txn:
                return ExecuteTxn(index, command.Txn);
            default:
                return Invalid("command", "the entry carries no key-value command");
        }
    }

    private KvResult ExecutePut(long index, Put put)
    {
        if (KvTxnRules.CheckPut(put, Limits) is { } bad) return Invalid(bad.Field, bad.Message);
        if (put.SessionId.Length > 0 && !IsLive(put.SessionId)) return new KvResult { UnknownSession = new UnknownSession { SessionId = put.SessionId } };
        if (put.HasExpectedVersion)
        {
            var currentVersion = _data.TryGetValue(put.Key, out var current) ? current.Version : 0;
            if (currentVersion != put.ExpectedVersion)
                return new KvResult { VersionMismatch = new VersionMismatch { ExpectedVersion = put.ExpectedVersion, CurrentVersion = currentVersion } };
        }
        PutCore(index, put.Key, put.Value, put.SessionId);
        return new KvResult { Written = new Written { Version = index } };
    }

    private bool IsLive(string sessionId) => SessionIsLive?.Invoke(sessionId) ?? false;

    private void PutCore(long index, string key, string value, string sessionId)
    {
        var owner = sessionId.Length == 0 ? null : sessionId;
        var existed = _data.TryGetValue(key, out var prev);
        if (existed)
        {
            _bytes -= Encoding.UTF8.GetByteCount(prev.Value);
            if (prev.SessionId is { } oldOwner && oldOwner != owner) Unbind(oldOwner, key);
        }
        else
        {
            _sorted.Add(key);
            _bytes += Encoding.UTF8.GetByteCount(key);
        }
        _bytes += Encoding.UTF8.GetByteCount(value);
        var createVersion = existed ? prev.CreateVersion : index;
        _data[key] = new KvValue(value, index, createVersion, owner);
        if (owner is not null && (!existed || prev.SessionId != owner)) Bind(owner, key);
        Emit(index, KvChangeType.Put, key, value, createVersion, owner, existed ? prev : null);
    }

    private bool DeleteCore(long index, string key)
    {
        if (!_data.Remove(key, out var prev)) return false;
        _sorted.Remove(key);
        _bytes -= Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(prev.Value);
        if (prev.SessionId is { } owner) Unbind(owner, key);
        Emit(index, KvChangeType.Delete, key, null, 0, null, prev);
        return true;
    }

    private long DeleteRangeCore(long index, KvKeyRange range)
    {
        // Collect first: the sorted set cannot change while it is enumerated.
        var keys = new List<string>();
        foreach (var key in KeysFrom(range.Start, after: null))
        {
            if (range.IsPast(key)) break;
            if (range.Contains(key)) keys.Add(key);
        }
        foreach (var key in keys) DeleteCore(index, key);
        return keys.Count;
    }

    private void Bind(string sessionId, string key)
    {
        if (!_bySession.TryGetValue(sessionId, out var keys)) _bySession[sessionId] = keys = new HashSet<string>(StringComparer.Ordinal);
        keys.Add(key);
    }

    private void Unbind(string sessionId, string key)
    {
        if (!_bySession.TryGetValue(sessionId, out var keys)) return;
        keys.Remove(key);
        if (keys.Count == 0) _bySession.Remove(sessionId);
    }

    private void Emit(long version, KvChangeType type, string key, string? value, long createVersion, string? sessionId, KvValue? prev)
    {
        if (version != _changeVersion)
        {
            _changeVersion = version;
            _nextOrdinal = 0;
        }
        var change = new KvChange(version, _nextOrdinal++, type, key, value, createVersion, sessionId,
            prev?.Value, prev?.Version ?? 0, _entryTimeMs);
        _history.Add(change);
        Changed?.Invoke(change);
    }

    private ulong LastSequenceOf(ulong clientId)
    {
        foreach (var s in _sessions.Export())
        {
            if (s.ClientId == clientId) return s.LastSequence;
        }
        return 0;
    }

    private static KvResult Invalid(string field, string message) =>
        new() { Invalid = new Invalid { Field = field, Message = message } };
}
