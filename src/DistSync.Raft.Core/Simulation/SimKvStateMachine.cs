using Google.Protobuf;

namespace DistSync.Raft.Simulation;

/// <summary>
/// The replicated key-value state machine of the simulator: deterministic, time only from entry timestamps,
/// exactly-once through a <see cref="SessionTable{TResult}"/>. Sessions expire after a few seconds of leader
/// time, so a run sees expiries and its clients have to cope with them.
/// </summary>
internal sealed class SimKvStateMachine
{
    public const byte OpOpen = 0, OpGet = 1, OpPut = 2, OpCas = 3;
    public const long SessionTimeoutMs = 3_000;

    private readonly SortedDictionary<string, (string Value, long Version)> data = new(StringComparer.Ordinal);
    private SessionTable<SimKvResult> sessions = new(SessionTimeoutMs);

    public long AppliedIndex { get; private set; }

    /// <summary>Sessions expired by the last <see cref="Apply"/> (the same ones at the same index on every replica).</summary>
    public IReadOnlyList<ulong> LastExpired { get; private set; } = Array.Empty<ulong>();

    public static ByteString Encode(byte op, string key, string? value, long expectedVersion)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms))
        {
            w.Write(op);
            w.Write(key);
            w.Write(value ?? "");
            w.Write(expectedVersion);
        }
        return ByteString.CopyFrom(ms.ToArray());
    }

    /// <summary>
    /// Applies a committed entry; returns the answer for its client (null for non-client entries and stale retries).
    /// <paramref name="unknownSession"/>: the command was refused, not executed, because its session is not open.
    /// </summary>
    public SimKvResult? Apply(Entry e, out bool unknownSession)
    {
        unknownSession = false;
        LastExpired = Array.Empty<ulong>();
        if (e.Index != AppliedIndex + 1) throw new InvalidOperationException($"state machine applies {e.Index} after {AppliedIndex}");
        AppliedIndex = e.Index;
        if (e.Type != EntryType.Normal || e.Data.IsEmpty) return null;
        LastExpired = sessions.AdvanceTime(e.TimestampMs);
        using var r = new BinaryReader(new MemoryStream(e.Data.ToByteArray()));
        byte op = r.ReadByte();
        string key = r.ReadString();
        string value = r.ReadString();
        long expected = r.ReadInt64();
        if (op == OpOpen)
        {
            sessions.Open(e.ClientId);
            return new SimKvResult(true, null, 0);
        }
        switch (sessions.Check(e.ClientId, e.Sequence, out var cached))
        {
            case SessionCheck.Duplicate:
                return cached;
            case SessionCheck.Stale:
                return null;
            case SessionCheck.UnknownSession:
                unknownSession = true;
                return null;
        }
        SimKvResult result;
        data.TryGetValue(key, out var current);
        bool exists = current.Value is not null;
        switch (op)
        {
            case OpGet:
                result = exists ? new SimKvResult(true, current.Value, current.Version) : new SimKvResult(false, null, 0);
                break;
            case OpPut:
                data[key] = (value, e.Index);
                result = new SimKvResult(true, null, e.Index);
                break;
            default:
                if ((expected == 0 && !exists) || (exists && current.Version == expected))
                {
                    data[key] = (value, e.Index);
                    result = new SimKvResult(true, null, e.Index);
                }
                else result = new SimKvResult(false, null, 0);
                break;
        }
        sessions.Record(e.ClientId, e.Sequence, result);
        return result;
    }

    public SimKvResult Read(string key) =>
        data.TryGetValue(key, out var v) ? new SimKvResult(true, v.Value, v.Version) : new SimKvResult(false, null, 0);

    public ByteString Snapshot()
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms))
        {
            w.Write(AppliedIndex);
            w.Write(sessions.NowMs);
            w.Write(data.Count);
            foreach (var (k, v) in data)
            {
                w.Write(k);
                w.Write(v.Value);
                w.Write(v.Version);
            }
            var records = sessions.Export();
            w.Write(records.Count);
            foreach (var s in records)
            {
                w.Write(s.ClientId);
                w.Write(s.LastSequence);
                w.Write(s.LastActiveMs);
                w.Write(s.LastResult is not null);
                if (s.LastResult is { } res)
                {
                    w.Write(res.Ok);
                    w.Write(res.Value ?? "\0");
                    w.Write(res.Version);
                }
            }
        }
        return ByteString.CopyFrom(ms.ToArray());
    }

    public void Restore(ByteString snapshot, long index)
    {
        data.Clear();
        sessions = new SessionTable<SimKvResult>(SessionTimeoutMs);
        if (snapshot.IsEmpty)
        {
            AppliedIndex = index;
            return;
        }
        using var r = new BinaryReader(new MemoryStream(snapshot.ToByteArray()));
        AppliedIndex = r.ReadInt64();
        if (AppliedIndex != index) throw new InvalidOperationException($"snapshot data is at {AppliedIndex} but metadata says {index}");
        long now = r.ReadInt64();
        int n = r.ReadInt32();
        for (int i = 0; i < n; i++)
        {
            string k = r.ReadString();
            string v = r.ReadString();
            data[k] = (v, r.ReadInt64());
        }
        int m = r.ReadInt32();
        var records = new List<SessionRecord<SimKvResult>>(m);
        for (int i = 0; i < m; i++)
        {
            ulong client = r.ReadUInt64();
            ulong seq = r.ReadUInt64();
            long active = r.ReadInt64();
            SimKvResult? res = null;
            if (r.ReadBoolean())
            {
                bool ok = r.ReadBoolean();
                string val = r.ReadString();
                res = new SimKvResult(ok, val == "\0" ? null : val, r.ReadInt64());
            }
            records.Add(new SessionRecord<SimKvResult>(client, seq, res, active));
        }
        sessions.Import(records, now);
    }
}
