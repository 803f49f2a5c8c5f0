using DistSync.KeyValue.Wire;
using DistSync.Raft;
using Google.Protobuf;

namespace DistSync.KeyValue;

/// <summary>
/// The replicated key-value store with compare-and-set (API.md "Key-value") as a deterministic state machine:
/// no clock, no randomness, no IO. A key's version is the Raft index of its last write, so versions of a key only
/// grow and a compare-and-set names exactly one write. Writes go through the log (<see cref="Apply(AppliedEntry)"/>);
/// reads (<see cref="Get"/>) are queries the host runs on the group's thread, linearizable when it waits for a
/// ReadIndex first. Not thread-safe: one owner applies entries and answers reads.
/// </summary>
/// <remarks>
/// <para><b>Client sessions.</b> A command proposed with a client id and sequence number is applied at most once:
/// a retry of the session's last sequence returns the cached result, an older one is answered
/// <see cref="StaleSequence"/>. A session opens with its first command and is forgotten after
/// <see cref="SessionTimeoutMs"/> of log time without commands (a retry after that would apply again).</para>
/// <para><b>Snapshots</b> are sorted (keys ordinally, sessions by client id), so equal states give equal bytes.</para>
/// </remarks>
public sealed class KvStateMachine : IRaftStateMachine
{
    /// <summary>Default idle time after which a client session is forgotten: 10 minutes of log time.</summary>
    public const long DefaultSessionTimeoutMs = 10 * 60 * 1000;

    private readonly Dictionary<string, KvValue> _data = new(StringComparer.Ordinal);
    private SessionTable<KvResult> _sessions;

    public KvStateMachine(KvLimits? limits = null, long sessionTimeoutMs = DefaultSessionTimeoutMs)
    {
        Limits = limits ?? KvLimits.Default;
        Limits.Validate();
        _sessions = new SessionTable<KvResult>(sessionTimeoutMs);
    }

    public KvLimits Limits { get; }

    public long SessionTimeoutMs => _sessions.SessionTimeoutMs;

    /// <summary>The index of the last applied entry (0 before the first).</summary>
    public long LastAppliedIndex { get; private set; }

    /// <summary>Number of keys stored.</summary>
    public int Count => _data.Count;

    /// <summary>Number of open client sessions.</summary>
    public int SessionCount => _sessions.Count;

    /// <summary>The store has nothing to expire on its own (sessions are forgotten lazily as entries pass).</summary>
    public long? NextDeadlineMs => null;

    /// <summary>No expire command: see <see cref="NextDeadlineMs"/>.</summary>
    public ReadOnlyMemory<byte> ExpireCommand => ReadOnlyMemory<byte>.Empty;

    /// <summary>The key's value and version, or null when it does not exist.</summary>
    public KvValue? Get(string key) => _data.TryGetValue(key, out var v) ? v : null;

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
    /// <param name="timestampMs">The leader's clock stamped on the entry (drives session expiry only).</param>
    /// <param name="clientId">Client session id, 0 for none.</param>
    /// <param name="sequence">The command's sequence number within the session.</param>
    /// <exception cref="ArgumentOutOfRangeException">The index is not after <see cref="LastAppliedIndex"/> (a host bug).</exception>
    public KvResult Apply(long index, long timestampMs, ulong clientId, ulong sequence, KvCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (index <= LastAppliedIndex)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"entry {index} is not after the last applied entry {LastAppliedIndex}");
        LastAppliedIndex = index;
        _sessions.AdvanceTime(timestampMs);

        if (clientId == 0) return Execute(index, command);

        _sessions.Open(clientId);
        switch (_sessions.Check(clientId, sequence, out var cached))
        {
            case SessionCheck.Duplicate:
                return cached!;
            case SessionCheck.Stale:
                return new KvResult { StaleSequence = new StaleSequence { LastSequence = LastSequenceOf(clientId) } };
            default:
                var result = Execute(index, command);
                _sessions.Record(clientId, sequence, result);
                return result;
        }
    }

    /// <summary>The whole state as bytes: equal states give equal bytes.</summary>
    public byte[] Snapshot()
    {
        var snapshot = new KvSnapshot { LastAppliedIndex = LastAppliedIndex, LogTimeMs = _sessions.NowMs };
        var keys = new string[_data.Count];
        _data.Keys.CopyTo(keys, 0);
        Array.Sort(keys, StringComparer.Ordinal);
        foreach (var key in keys)
        {
            var v = _data[key];
            snapshot.Records.Add(new KvRecord { Key = key, Value = v.Value, Version = v.Version });
        }
        foreach (var s in _sessions.Export())
        {
            snapshot.Sessions.Add(new KvClientSession
            {
                ClientId = s.ClientId,
                LastSequence = s.LastSequence,
                LastResult = s.LastResult is null ? ByteString.Empty : s.LastResult.ToByteString(),
                LastActiveMs = s.LastActiveMs,
            });
        }
        return snapshot.ToByteArray();
    }

    /// <summary>Replaces the whole state with a <see cref="Snapshot"/> (possibly taken on another node).</summary>
    /// <exception cref="InvalidDataException">The bytes are not a consistent snapshot; the state is then unchanged.</exception>
    public void Restore(ReadOnlySpan<byte> snapshot)
    {
        KvSnapshot parsed;
        try
        {
            parsed = KvSnapshot.Parser.ParseFrom(snapshot);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException("the key-value snapshot is not valid Protobuf: " + e.Message, e);
        }

        var data = new Dictionary<string, KvValue>(parsed.Records.Count, StringComparer.Ordinal);
        foreach (var r in parsed.Records)
        {
            if (r.Version <= 0 || r.Version > parsed.LastAppliedIndex)
                throw new InvalidDataException($"snapshot key \"{r.Key}\" has version {r.Version}, outside 1..{parsed.LastAppliedIndex}");
            if (!data.TryAdd(r.Key, new KvValue(r.Value, r.Version)))
                throw new InvalidDataException($"snapshot lists key \"{r.Key}\" twice");
        }
        var sessions = new List<SessionRecord<KvResult>>(parsed.Sessions.Count);
        foreach (var s in parsed.Sessions)
        {
            KvResult? result;
            try
            {
                result = s.LastResult.IsEmpty ? null : KvResult.Parser.ParseFrom(s.LastResult);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new InvalidDataException($"snapshot session {s.ClientId} has an unreadable result: {e.Message}", e);
            }
            sessions.Add(new SessionRecord<KvResult>(s.ClientId, s.LastSequence, result, s.LastActiveMs));
        }

        var table = new SessionTable<KvResult>(_sessions.SessionTimeoutMs);
        table.Import(sessions, parsed.LogTimeMs);
        _data.Clear();
        foreach (var (k, v) in data) _data.Add(k, v);
        _sessions = table;
        LastAppliedIndex = parsed.LastAppliedIndex;
    }

    private KvResult Execute(long index, KvCommand command) => command.CommandCase switch
    {
        KvCommand.CommandOneofCase.Put => ExecutePut(index, command.Put),
        KvCommand.CommandOneofCase.Delete => ExecuteDelete(command.Delete),
        _ => Invalid("command", "the entry carries no key-value command"),
    };

    private KvResult ExecutePut(long index, Put put)
    {
        if (Limits.CheckKey(put.Key) is { } badKey) return Invalid("key", badKey);
        if (Limits.CheckValue(put.Value) is { } badValue) return Invalid("value", badValue);
        var exists = _data.TryGetValue(put.Key, out var current);
        if (put.HasExpectedVersion)
        {
            if (put.ExpectedVersion < 0) return Invalid("expectedVersion", "field 'expectedVersion' must be 0 (must not exist) or a positive version");
            var currentVersion = exists ? current.Version : 0;
            if (currentVersion != put.ExpectedVersion)
                return new KvResult { VersionMismatch = new VersionMismatch { ExpectedVersion = put.ExpectedVersion, CurrentVersion = currentVersion } };
        }
        _data[put.Key] = new KvValue(put.Value, index);
        return new KvResult { Written = new Written { Version = index } };
    }

    private KvResult ExecuteDelete(Delete delete)
    {
        if (Limits.CheckKey(delete.Key) is { } badKey) return Invalid("key", badKey);
        return new KvResult { Deleted = new Deleted { Existed = _data.Remove(delete.Key) } };
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
