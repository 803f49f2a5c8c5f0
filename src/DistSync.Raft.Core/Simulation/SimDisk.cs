using DistSync.Raft.Journal;
using Google.Protobuf;

namespace DistSync.Raft.Simulation;

/// <summary>
/// The disk of one simulated node, in the format a hosted node writes (<see cref="RaftLogActor"/>): journal events
/// <see cref="SnapshotChunkReceived"/>, <see cref="SnapshotInstalled"/>, <see cref="EntriesAppended"/>,
/// <see cref="HardStateChanged"/>, one atomic batch
/// per persisted <see cref="Ready"/>, and after each compaction a log snapshot (<see cref="RaftLogState"/>) that
/// replaces the events it covers. Everything is kept as serialized bytes and a start parses it back and replays it
/// into a NEW <see cref="JournaledRaftStorage"/>, so a restart exercises the disk format and the replay code, not
/// an object that survived the crash. What was not written here is lost in a crash.
/// </summary>
internal sealed class SimDisk
{
    private enum EventKind : byte { SnapshotInstalled, EntriesAppended, HardStateChanged, SnapshotChunkReceived }

    private readonly List<(EventKind Kind, byte[] Bytes)> events = new();
    private byte[]? logState;

    /// <summary>Whether a log snapshot is on disk (a start then replays it before the events).</summary>
    public bool HasLogState => logState is not null;

    /// <summary>False after a log snapshot failed to be written: the disk then holds an older snapshot (or none)
    /// plus every event since, i.e. more log than the compacted in-memory view.</summary>
    public bool LogStateCurrent { get; private set; } = true;

    /// <summary>Journal events after the log snapshot.</summary>
    public int EventCount => events.Count;

    /// <summary>One Ready's write, event by event as <c>RaftLogActor.OnPersistBatch</c>: snapshot chunks, snapshot, entries, hard state.</summary>
    public void Persist(IReadOnlyList<SnapshotChunk> chunks, Snapshot? snapshot, IReadOnlyList<Entry> entries, HardState? hardState)
    {
        foreach (var c in chunks)
        {
            var received = new SnapshotChunkReceived { Metadata = c.Metadata, Offset = c.Offset, TotalSize = c.TotalSize, Data = c.Data };
            events.Add((EventKind.SnapshotChunkReceived, received.ToByteArray()));
        }
        if (snapshot is not null) events.Add((EventKind.SnapshotInstalled, new SnapshotInstalled { Snapshot = snapshot }.ToByteArray()));
        if (entries.Count > 0)
        {
            var appended = new EntriesAppended();
            appended.Entries.AddRange(entries);
            events.Add((EventKind.EntriesAppended, appended.ToByteArray()));
        }
        if (hardState is not null) events.Add((EventKind.HardStateChanged, new HardStateChanged { HardState = hardState }.ToByteArray()));
    }

    /// <summary>
    /// Writes the log snapshot taken right after a compaction; the events it covers are dropped (the host's
    /// DeleteMessages). The host saves it before the next batch is journaled, so it covers every event so far.
    /// </summary>
    public void SaveLogState(RaftLogState state)
    {
        logState = state.ToByteArray();
        events.Clear();
        LogStateCurrent = true;
    }

    /// <summary>The log snapshot write failed (or the node died before it finished): the old state and events stay.</summary>
    public void LogStateLost() => LogStateCurrent = false;

    /// <summary>Rebuilds the storage as a hosted node's recovery does: parse, then replay the log snapshot and the events after it.</summary>
    public JournaledRaftStorage Recover()
    {
        var storage = new JournaledRaftStorage();
        if (logState is not null) storage.Replay(RaftLogState.Parser.ParseFrom(logState));
        foreach (var (kind, bytes) in events)
        {
            IMessage e = kind switch
            {
                EventKind.SnapshotInstalled => SnapshotInstalled.Parser.ParseFrom(bytes),
                EventKind.EntriesAppended => EntriesAppended.Parser.ParseFrom(bytes),
                EventKind.SnapshotChunkReceived => SnapshotChunkReceived.Parser.ParseFrom(bytes),
                _ => HardStateChanged.Parser.ParseFrom(bytes),
            };
            storage.Replay(e);
        }
        return storage;
    }
}
