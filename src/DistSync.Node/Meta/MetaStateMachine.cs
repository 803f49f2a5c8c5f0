using DistSync.Broadcast;
using DistSync.Raft;
using DistSync.KeyValue;
using DistSync.Locks;
using DistSync.Queues.Catalog;
using DistSync.Node.Locks;
using DistSync.Node.Meta.Wire;
using DistSync.Raft.Hosting;
using Google.Protobuf;

namespace DistSync.Node.Meta;

/// <summary>
/// The state machine of the meta Raft group (group 0): a tagged envelope (<see cref="MetaCommand"/>) dispatched
/// to the services it replicates: the key-value store (field 1), the queue catalog (field 3), broadcast topics (field 4;
/// snapshot field 5) and the lock service (field 2; snapshot field 3). Deadlines of locks and of broadcast retention
/// make up <see cref="NextDeadlineMs"/>; an Expire entry goes to both. Deterministic and single-threaded like
/// every <see cref="IRaftStateMachine"/>; what a lock entry decided is also reported to the node-local
/// <see cref="LockWaiters"/> (the same on every replica), so the node serving a waiting acquire learns its outcome.
/// </summary>
public sealed class MetaStateMachine : IRaftStateMachine
{
    private static readonly byte[] ExpireBytes = new MetaCommand { Expire = new MetaExpire() }.ToByteArray();

    private readonly LockServiceOptions? _lockOptions;
    private readonly LockWaiters? _lockWaiters;
    private readonly LockMetrics? _lockMetrics;
    private readonly BroadcastOptions? _broadcastOptions;

    public MetaStateMachine(KvLimits? kvLimits = null, long kvSessionTimeoutMs = KvStateMachine.DefaultSessionTimeoutMs,
        LockServiceOptions? lockOptions = null, LockWaiters? lockWaiters = null, LockMetrics? lockMetrics = null,
        BroadcastOptions? broadcastOptions = null)
    {
        _broadcastOptions = broadcastOptions;
        Broadcast = new BroadcastStateMachine(broadcastOptions);
        Kv = new KvStateMachine(kvLimits, kvSessionTimeoutMs);
        WireKv(Kv);
        _lockOptions = lockOptions;
        _lockWaiters = lockWaiters;
        _lockMetrics = lockMetrics;
        Locks = new LockServiceStateMachine(lockOptions);
    }

    /// <summary>The replicated key-value store (read it only inside <see cref="IRaftGroup.QueryAsync{T}"/>).</summary>
    public KvStateMachine Kv { get; private set; }

    /// <summary>Raised on the group's thread for every key-value change, in commit order (the same on every replica);
    /// handlers must not block.</summary>
    public Action<KvChange>? KvChanged { get; set; }

    /// <summary>Raised on the group's thread with the store's key count and bytes after an entry or a restore changed them.</summary>
    public Action<int, long>? KvSizeChanged { get; set; }

    /// <summary>Raised on the group's thread after a snapshot replaced the key-value state: watchers re-read its history.</summary>
    public Action? KvRestored { get; set; }

    /// <summary>Sessions and locks (read them only inside <see cref="IRaftGroup.QueryAsync{T}"/>).</summary>
    public LockServiceStateMachine Locks { get; private set; }

    /// <summary>Which queues exist and where their partitions' replicas are (read it only inside <see cref="IRaftGroup.QueryAsync{T}"/>,
    /// or through <see cref="CatalogChanged"/>).</summary>
    public QueueCatalog Catalog { get; private set; } = new();

    /// <summary>Broadcast topics (read them only inside <see cref="IRaftGroup.QueryAsync{T}"/>, or through
    /// <see cref="BroadcastPublished"/>).</summary>
    public BroadcastStateMachine Broadcast { get; private set; }

    /// <summary>Raised on the group's thread for every message an entry published (the same on every replica, in seq
    /// order per topic); handlers must not block.</summary>
    public Action<BroadcastMessage>? BroadcastPublished { get; set; }

    /// <summary>Raised on the group's thread after a snapshot replaced the broadcast state: subscribers re-read it.</summary>
    public Action? BroadcastRestored { get; set; }

    /// <summary>Wraps a broadcast command for proposal to the meta group; the result decodes with
    /// <see cref="BroadcastCommands.DecodeResult"/>.</summary>
    public static byte[] BroadcastCommand(DistSync.Broadcast.Wire.BroadcastCommand command) =>
        new MetaCommand { Broadcast = command.ToByteString() }.ToByteArray();

    /// <summary>Raised on the group's thread after an entry or a restore changed the catalog; handlers must not block.</summary>
    public Action<QueueCatalog>? CatalogChanged { get; set; }

    /// <summary>Wraps a queue catalog command for proposal to the meta group; the result is an encoded CatalogResult.</summary>
    public static byte[] CatalogCommand(DistSync.Queues.Catalog.Wire.CatalogCommand command) =>
        new MetaCommand { Queues = command.ToByteString() }.ToByteArray();

    /// <summary>The index of the last applied entry of any service (0 before the first).</summary>
    public long LastAppliedIndex { get; private set; }

    /// <summary>The lock service's next session expiry or wait deadline, or broadcast retention's next age limit,
    /// whichever comes first (the key-value store has none).</summary>
    public long? NextDeadlineMs => (Locks.NextDeadlineMs, Broadcast.NextDeadlineMs) switch
    {
        ({ } a, { } b) => Math.Min(a, b),
        (var a, var b) => a ?? b,
    };

    public ReadOnlyMemory<byte> ExpireCommand => ExpireBytes;

    /// <summary>Wraps a key-value command for proposal to the meta group.</summary>
    public static byte[] KvCommand(KeyValue.Wire.KvCommand command) =>
        new MetaCommand { Kv = command.ToByteString() }.ToByteArray();

    /// <summary>Wraps a lock service command for proposal to the meta group; the result decodes with <see cref="LockResults.Decode"/>.</summary>
    public static byte[] LockCommand(DistSync.Locks.Wire.LockCommand command) =>
        new MetaCommand { Locks = command.ToByteString() }.ToByteArray();

    public ReadOnlyMemory<byte> Apply(AppliedEntry entry)
    {
        LastAppliedIndex = Math.Max(LastAppliedIndex, entry.Index);
        MetaCommand command;
        try
        {
            command = MetaCommand.Parser.ParseFrom(entry.Data.Span);
        }
        catch (InvalidProtocolBufferException)
        {
            // Nothing to apply, the same on every replica; the proposer gets an empty result.
            return ReadOnlyMemory<byte>.Empty;
        }

        switch (command.CommandCase)
        {
            case MetaCommand.CommandOneofCase.Kv:
                var kvResult = Kv.Apply(entry with { Data = command.Kv.Memory });
                KvSizeChanged?.Invoke(Kv.Count, Kv.Bytes);
                return kvResult;
            case MetaCommand.CommandOneofCase.Locks:
                DistSync.Locks.Wire.LockCommand lockCommand;
                try
                {
                    lockCommand = DistSync.Locks.Wire.LockCommand.Parser.ParseFrom(command.Locks);
                }
                catch (InvalidProtocolBufferException)
                {
                    return LockResults.Encode(new CommandFailed(LockFailureReason.Invalid, "command: not a valid lock command"));
                }
                return ApplyLocks(entry, lockCommand);
            case MetaCommand.CommandOneofCase.Queues:
                return ApplyCatalog(entry, command.Queues);
            case MetaCommand.CommandOneofCase.Broadcast:
                return ApplyBroadcast(entry, command.Broadcast);
            case MetaCommand.CommandOneofCase.Expire:
                // Broadcast retention trims by this entry's time; the lock service's due sessions and waits end in it.
                ApplyBroadcast(entry, BroadcastCommands.Expire());
                return ApplyLocks(entry, DistSync.Locks.LockCommands.Expire());
            default:
                return ReadOnlyMemory<byte>.Empty;
        }
    }

    private ReadOnlyMemory<byte> ApplyCatalog(AppliedEntry entry, ByteString bytes)
    {
        DistSync.Queues.Catalog.Wire.CatalogResult result;
        try
        {
            var command = DistSync.Queues.Catalog.Wire.CatalogCommand.Parser.ParseFrom(bytes);
            long before = Catalog.Version;
            result = Catalog.Apply(entry.Index, command);
            if (Catalog.Version != before) CatalogChanged?.Invoke(Catalog);
        }
        catch (InvalidProtocolBufferException)
        {
            result = new DistSync.Queues.Catalog.Wire.CatalogResult { Code = "invalid", Error = "command: not a valid catalog command" };
        }
        return result.ToByteArray();
    }

    private ReadOnlyMemory<byte> ApplyBroadcast(AppliedEntry entry, ByteString bytes)
    {
        DistSync.Broadcast.Wire.BroadcastCommand command;
        try
        {
            command = DistSync.Broadcast.Wire.BroadcastCommand.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            command = new DistSync.Broadcast.Wire.BroadcastCommand();
        }
        return ApplyBroadcast(entry, command);
    }

    private ReadOnlyMemory<byte> ApplyBroadcast(AppliedEntry entry, DistSync.Broadcast.Wire.BroadcastCommand command)
    {
        var applied = Broadcast.Apply(entry.Index, entry.Term, entry.TimestampMs, command);
        if (applied.Published is { } message) BroadcastPublished?.Invoke(message);
        return applied.Result;
    }

    private ReadOnlyMemory<byte> ApplyLocks(AppliedEntry entry, DistSync.Locks.Wire.LockCommand command)
    {
        var applied = Locks.Apply(entry.Index, entry.Term, entry.TimestampMs, command);
        if (applied.SessionsEnded.Count > 0)
        {
            // Ephemeral keys go in the entry that ended their session, so watchers see the deletes at its index.
            var ended = new string[applied.SessionsEnded.Count];
            for (var i = 0; i < ended.Length; i++) ended[i] = applied.SessionsEnded[i].SessionId;
            if (Kv.EndSessions(entry.Index, entry.TimestampMs, ended) > 0) KvSizeChanged?.Invoke(Kv.Count, Kv.Bytes);
        }
        _lockWaiters?.OnApplied(command, applied);
        _lockMetrics?.TableChanged(Locks.DeadlocksDetected, Locks.Locks.HeldResourceCount, Locks.Locks.WaitCount);
        return LockResults.Encode(applied.Result);
    }

    private void WireKv(KvStateMachine kv)
    {
        // Through this instance, not a captured one: a restore replaces Locks, and the handlers are set after construction.
        kv.SessionIsLive = id => Locks.Sessions.Find(id) is not null;
        kv.Changed = change => KvChanged?.Invoke(change);
    }

    public byte[] Snapshot() => CaptureSnapshot().ToByteArray();

    /// <summary>The KV, the part that grows with the data, is copied here and encoded later off the apply thread, in
    /// place in the group snapshot's buffer; locks, queues and broadcast are serialized at once.</summary>
    public SnapshotContent CaptureSnapshot() =>
        new MetaSnapshotContent(LastAppliedIndex, Kv.CaptureSnapshot(), Locks.Snapshot(), Catalog.Snapshot(), Broadcast.Snapshot());

    /// <exception cref="InvalidDataException">Not a meta snapshot, or a service's part is inconsistent; the state is then unchanged.</exception>
    public void Restore(ReadOnlySpan<byte> snapshot)
    {
        MetaSnapshot parsed;
        try
        {
            parsed = MetaSnapshot.Parser.ParseFrom(snapshot);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException("the meta group snapshot is not valid Protobuf: " + e.Message, e);
        }
        var kv = new KvStateMachine(Kv.Limits, Kv.SessionTimeoutMs);
        kv.Restore(parsed.Kv.Span);
        WireKv(kv);
        var locks = new LockServiceStateMachine(_lockOptions);
        if (!parsed.Locks.IsEmpty) locks.Restore(parsed.Locks.Span);
        var catalog = parsed.Queues.IsEmpty ? new QueueCatalog() : QueueCatalog.FromSnapshot(parsed.Queues.Span);
        var broadcast = new BroadcastStateMachine(_broadcastOptions);
        if (!parsed.Broadcast.IsEmpty) broadcast.Restore(parsed.Broadcast.Span);
        Kv = kv;
        Broadcast = broadcast;
        Locks = locks;
        Catalog = catalog;
        CatalogChanged?.Invoke(Catalog);
        BroadcastRestored?.Invoke();
        KvRestored?.Invoke();
        KvSizeChanged?.Invoke(Kv.Count, Kv.Bytes);
        LastAppliedIndex = parsed.LastAppliedIndex;
        _lockMetrics?.TableChanged(Locks.DeadlocksDetected, Locks.Locks.HeldResourceCount, Locks.Locks.WaitCount);
        _lockWaiters?.OnRestored(Locks);
    }
}
