using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using DistSync.Raft.Journal;
using DistSync.Raft.Hosting.Wire;

namespace DistSync.Raft.Hosting;

/// <summary>
/// The event-sourced Raft log of one group on this node (PersistenceId <c>raft-{group}</c>): events
/// <see cref="EntriesAppended"/>, <see cref="HardStateChanged"/>, <see cref="SnapshotChunkReceived"/>,
/// <see cref="SnapshotInstalled"/>, and after each log compaction a persistence snapshot (<see cref="RaftLogState"/>)
/// followed by DeleteMessages of the events it covers. On start it replays into a <see cref="JournaledRaftStorage"/>
/// and hands that to its parent, the <see cref="RaftActor"/>, which steps nothing before. A failed or rejected write
/// stops this actor; the parent watches it and fails too, so no acknowledgement is ever given for an unsaved write.
/// </summary>
internal sealed class RaftLogActor : ReceivePersistentActor
{
    private readonly int groupId;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private JournaledRaftStorage? recovering = new();
    private long pendingDeleteTo;

    public RaftLogActor(int groupId, string? journalPluginId, string? snapshotPluginId)
    {
        this.groupId = groupId;
        if (journalPluginId is not null) JournalPluginId = journalPluginId;
        if (snapshotPluginId is not null) SnapshotPluginId = snapshotPluginId;

        Recover<SnapshotOffer>(offer => recovering!.Replay(offer.Snapshot));
        Recover<EntriesAppended>(e => recovering!.Replay(e));
        Recover<HardStateChanged>(e => recovering!.Replay(e));
        Recover<SnapshotInstalled>(e => recovering!.Replay(e));
        Recover<SnapshotChunkReceived>(e => recovering!.Replay(e));
        Recover<RecoveryCompleted>(_ =>
        {
            var storage = recovering!;
            recovering = null; // ownership moves to the RaftActor
            Context.Parent.Tell(new LogRecovered(storage), Self);
        });

        Command<PersistBatch>(OnPersistBatch);
        Command<SaveLogState>(save =>
        {
            pendingDeleteTo = LastSequenceNr;
            SaveSnapshot(save.State);
        });
        Command<SaveSnapshotSuccess>(ok =>
        {
            DeleteMessages(ok.Metadata.SequenceNr);
            // older log snapshots are superseded by this one
            if (ok.Metadata.SequenceNr > 1)
                DeleteSnapshots(new SnapshotSelectionCriteria(ok.Metadata.SequenceNr - 1, DateTime.MaxValue));
        });
        Command<SaveSnapshotFailure>(failed => log.Warning(failed.Cause, "Raft group {0}: saving the log snapshot failed; the log is compacted at the next snapshot", groupId));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(failed => log.Warning(failed.Cause, "Raft group {0}: deleting compacted log events up to {1} failed", groupId, pendingDeleteTo));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
        Command<PurgeLog>(_ => Purge());
    }

    /// <summary>Deletes all of this group's events, then all its snapshots, and tells the parent (a moved-away replica).</summary>
    private void Purge()
    {
        var parent = Context.Parent;
        DeleteMessages(long.MaxValue);
        Become(() =>
        {
            Command<DeleteMessagesSuccess>(_ => DeleteSnapshots(SnapshotSelectionCriteria.Latest));
            Command<DeleteMessagesFailure>(f => parent.Tell(new LogPurged("deleting events: " + f.Cause.Message)));
            Command<DeleteSnapshotsSuccess>(_ => parent.Tell(new LogPurged(null)));
            Command<DeleteSnapshotsFailure>(f => parent.Tell(new LogPurged("deleting snapshots: " + f.Cause.Message)));
            CommandAny(_ => { });
        });
    }

    public override string PersistenceId => $"raft-{groupId}";

    /// <summary>A rejected event was not stored, yet later ones could be: the log would have a hole. Stop, so the
    /// parent fails loudly instead of acknowledging (Akka keeps a persistent actor running after a rejection).</summary>
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        log.Error(cause, "Raft group {0}: the journal rejected event {1} ({2}); stopping the log", groupId, sequenceNr, @event.GetType().Name);
        Context.Stop(Self);
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        log.Error(cause, "Raft group {0}: writing event {1} to the journal failed; stopping the log", groupId, sequenceNr);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        log.Error(reason, "Raft group {0}: recovering the log from the journal failed", groupId);
        base.OnRecoveryFailure(reason, message);
    }

    private void OnPersistBatch(PersistBatch batch)
    {
        var events = new List<object>(3 + batch.Chunks.Count);
        for (int i = 0; i < batch.Chunks.Count; i++)
        {
            var c = batch.Chunks[i];
            events.Add(new SnapshotChunkReceived { Metadata = c.Metadata, Offset = c.Offset, TotalSize = c.TotalSize, Data = c.Data });
        }
        if (batch.Snapshot is { } snap) events.Add(new SnapshotInstalled { Snapshot = snap });
        if (batch.Entries.Count > 0)
        {
            var appended = new EntriesAppended();
            appended.Entries.AddRange(batch.Entries);
            events.Add(appended);
        }
        if (batch.HardState is { } hs) events.Add(new HardStateChanged { HardState = hs });
        var parent = Context.Parent;
        if (events.Count == 0)
        {
            if (batch.Reply) parent.Tell(BatchPersisted.Instance, Self);
            return;
        }
        // PersistAll: one AtomicWrite, so the batch is stored whole or not at all
        if (!batch.Reply)
        {
            PersistAll(events, _ => { });
            return;
        }
        var last = events[^1];
        PersistAll(events, e =>
        {
            if (ReferenceEquals(e, last)) parent.Tell(BatchPersisted.Instance, Self);
        });
    }
}
