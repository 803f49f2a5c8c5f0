using DistSync.Raft.Journal;
using DistSync.Persistence.Actor;
using DistSync.Persistence.Snapshot;
using DistSync.Raft.Hosting.Wire;

namespace DistSync.Raft.Hosting;

/// <summary>
/// The event-sourced Raft log of one group on this node (PersistenceId <c>raft-{group}</c>): events
/// <see cref="EntriesAppended"/>, <see cref="HardStateChanged"/>, <see cref="SnapshotChunkReceived"/>,
/// <see cref="SnapshotInstalled"/>, and after each
/// log compaction a persistence snapshot (<see cref="RaftLogState"/>) followed by DeleteMessages of the events it
/// covers. On start it replays into a <see cref="JournaledRaftStorage"/> and hands that to its parent, the
/// <see cref="RaftActor"/>, which steps nothing before. A failed write stops this actor (PersistentActor rule);
/// the parent watches it and fails too, so no acknowledgement is ever given for an unsaved write.
/// </summary>
internal sealed class RaftLogActor : PersistentActor
{
    private readonly int groupId;
    private JournaledRaftStorage? recovering = new();
    private long pendingDeleteTo;

    public RaftLogActor(int groupId)
    {
        this.groupId = groupId;
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
                DeleteSnapshots(new SnapshotSelectionCriteria(ok.Metadata.SequenceNr - 1, DateTimeOffset.MaxValue));
        });
        Command<SaveSnapshotFailure>(failed => Log.Warning(failed.Cause, "Raft group {Group}: saving the log snapshot failed; the log is compacted at the next snapshot", groupId));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(failed => Log.Warning(failed.Cause, "Raft group {Group}: deleting compacted log events up to {To} failed", groupId, pendingDeleteTo));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public override string PersistenceId => $"raft-{groupId}";

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
            parent.Tell(BatchPersisted.Instance, Self);
            return;
        }
        var last = events[^1];
        PersistAll(events, e =>
        {
            if (ReferenceEquals(e, last)) parent.Tell(BatchPersisted.Instance, Self);
        });
    }
}
