using DistSync.KeyValue.Wire;
using DistSync.Raft;
using Google.Protobuf;

namespace DistSync.KeyValue;

/// <summary>
/// A captured key-value state, encoded as a <see cref="KvSnapshot"/> exactly as the generated code would encode it
/// (fields in number order, defaults omitted), but with the records written straight from the captured array: one
/// <see cref="KvRecord"/> object per key cost ~70 bytes per key of transient heap at every snapshot. Sessions and the
/// watch history are bounded and go through their generated messages.
/// </summary>
internal sealed class KvSnapshotContent : SnapshotContent
{
    private const uint RecordsTag = (3 << 3) | (uint)WireFormat.WireType.LengthDelimited;
    private const uint KeyTag = (1 << 3) | (uint)WireFormat.WireType.LengthDelimited;
    private const uint ValueTag = (2 << 3) | (uint)WireFormat.WireType.LengthDelimited;
    private const uint VersionTag = 3 << 3;
    private const uint CreateVersionTag = 4 << 3;
    private const uint SessionIdTag = (5 << 3) | (uint)WireFormat.WireType.LengthDelimited;

    private readonly KeyValuePair<string, KvValue>[] records;
    private readonly IReadOnlyList<SessionRecord<KvResult>> sessionRecords;
    private readonly List<KvChange> changes;
    private readonly long applied;
    private readonly long nowMs;
    private readonly long compactedThrough;
    private int[]? recordSizes;
    private List<KvClientSession>? sessions;
    private List<KvChangeRecord>? history;
    private int size = -1;

    public KvSnapshotContent(KeyValuePair<string, KvValue>[] records, IReadOnlyList<SessionRecord<KvResult>> sessions,
        List<KvChange> history, long applied, long nowMs, long compactedThrough)
    {
        this.records = records;
        sessionRecords = sessions;
        changes = history;
        this.applied = applied;
        this.nowMs = nowMs;
        this.compactedThrough = compactedThrough;
    }

    public override int CalculateSize()
    {
        if (size >= 0) return size;
        Array.Sort(records, static (a, b) => string.CompareOrdinal(a.Key, b.Key)); // the index's order: equal states, equal bytes
        long total = Int64FieldSize(applied) + Int64FieldSize(nowMs);
        var sizes = new int[records.Length];
        for (var i = 0; i < records.Length; i++)
        {
            var s = RecordSize(records[i].Key, records[i].Value);
            sizes[i] = s;
            total += 1 + CodedOutputStream.ComputeLengthSize(s) + s;
        }
        recordSizes = sizes;
        sessions = new List<KvClientSession>(sessionRecords.Count);
        foreach (var s in sessionRecords)
        {
            var session = new KvClientSession
            {
                ClientId = s.ClientId,
                LastSequence = s.LastSequence,
                LastResult = s.LastResult is null ? ByteString.Empty : s.LastResult.ToByteString(),
                LastActiveMs = s.LastActiveMs,
            };
            sessions.Add(session);
            total += 1 + CodedOutputStream.ComputeMessageSize(session);
        }
        history = new List<KvChangeRecord>(changes.Count);
        foreach (var c in changes)
        {
            var change = new KvChangeRecord
            {
                Version = c.Version,
                Ordinal = c.Ordinal,
                Deleted = c.Type == KvChangeType.Delete,
                Key = c.Key,
                Value = c.Value ?? "",
                CreateVersion = c.CreateVersion,
                SessionId = c.SessionId ?? "",
                HadPrev = c.PrevValue is not null,
                PrevValue = c.PrevValue ?? "",
                PrevVersion = c.PrevVersion,
                TimestampMs = c.TimestampMs,
            };
            history.Add(change);
            total += 1 + CodedOutputStream.ComputeMessageSize(change);
        }
        total += 1 + CodedOutputStream.ComputeInt64Size(compactedThrough); // optional: present even when 0
        size = CheckedSize(total, "key-value");
        return size;
    }

    protected override void WriteBody(CodedOutputStream output)
    {
        RequireSized(size);
        WriteInt64Field(output, 1, applied);
        WriteInt64Field(output, 2, nowMs);
        var sizes = recordSizes!;
        for (var i = 0; i < records.Length; i++)
        {
            var (key, v) = records[i];
            output.WriteRawTag((byte)RecordsTag);
            output.WriteLength(sizes[i]);
            if (key.Length != 0)
            {
                output.WriteRawTag((byte)KeyTag);
                output.WriteString(key);
            }
            if (v.Value.Length != 0)
            {
                output.WriteRawTag((byte)ValueTag);
                output.WriteString(v.Value);
            }
            if (v.Version != 0)
            {
                output.WriteRawTag((byte)VersionTag);
                output.WriteInt64(v.Version);
            }
            if (v.CreateVersion != 0)
            {
                output.WriteRawTag((byte)CreateVersionTag);
                output.WriteInt64(v.CreateVersion);
            }
            if (v.SessionId is { Length: > 0 } sessionId)
            {
                output.WriteRawTag((byte)SessionIdTag);
                output.WriteString(sessionId);
            }
        }
        foreach (var s in sessions!)
        {
            output.WriteTag(4, WireFormat.WireType.LengthDelimited);
            output.WriteMessage(s);
        }
        foreach (var c in history!)
        {
            output.WriteTag(5, WireFormat.WireType.LengthDelimited);
            output.WriteMessage(c);
        }
        output.WriteTag(6, WireFormat.WireType.Varint);
        output.WriteInt64(compactedThrough);
    }

    private static int RecordSize(string key, KvValue v)
    {
        var s = 0;
        if (key.Length != 0) s += 1 + CodedOutputStream.ComputeStringSize(key);
        if (v.Value.Length != 0) s += 1 + CodedOutputStream.ComputeStringSize(v.Value);
        if (v.Version != 0) s += 1 + CodedOutputStream.ComputeInt64Size(v.Version);
        if (v.CreateVersion != 0) s += 1 + CodedOutputStream.ComputeInt64Size(v.CreateVersion);
        if (v.SessionId is { Length: > 0 } sessionId) s += 1 + CodedOutputStream.ComputeStringSize(sessionId);
        return s;
    }
}
