using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using DistSync.Raft.Hosting.Wire;
using Google.Protobuf;

namespace DistSync.Raft.Hosting;

// State machine snapshots: captured on the actor's turn, serialized on the thread pool, installed when they come back.
internal sealed partial class RaftActor
{
    // What an entry weighs beyond its command in the journal (index, term, type, stamps, framing), roughly.
    private const int EntryOverheadBytes = 32;

    private long appliedBytesSinceSnapshot;
    private long lastSnapshotBytes;
    private bool snapshotInProgress;

    /// <summary>A snapshot serialized off the actor's thread, back to be installed (or a failure to report).</summary>
    private sealed record SnapshotSerialized(long Index, ConfState ConfState, ByteString? Data, double CaptureMs, double SerializeMs, Exception? Error)
        : INoSerializationVerificationNeeded;

    /// <summary>
    /// Takes a snapshot once enough entries (snapshot-every-entries) and enough bytes (snapshot-log-ratio times the last
    /// snapshot's size) have been applied since the last one. Only the capture runs here; the serialization (hundreds
    /// of milliseconds for a state of some hundred thousand keys) runs on the thread pool, while this actor goes on
    /// ticking, heartbeating and applying: serializing on the actor's turn stalled the leader's heartbeats past the
    /// followers' election timeout under sustained load, and all three replicas snapshot at the same index.
    /// </summary>
    private void MaybeSnapshot()
    {
        if (snapshotInProgress || appliedSinceSnapshot < settings.SnapshotEveryEntries) return;
        if (appliedBytesSinceSnapshot < settings.SnapshotLogRatio * lastSnapshotBytes) return;
        long index = node.AppliedIndex;
        if (index <= storage.Snapshot.Metadata.Index || index > storage.LastIndex) return;
        appliedSinceSnapshot = 0;
        appliedBytesSinceSnapshot = 0;
        snapshotInProgress = true;
        var started = Stopwatch.GetTimestamp();
        var content = stateMachine.CaptureSnapshot();
        var members = new List<MemberInfo>(book.Members);
        var confState = node.ConfState.Clone();
        var captureMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var self = Self;
        Task.Run(() =>
        {
            var serializing = Stopwatch.GetTimestamp();
            try
            {
                var data = EncodeGroupSnapshot(members, content);
                return new SnapshotSerialized(index, confState, data, captureMs, Stopwatch.GetElapsedTime(serializing).TotalMilliseconds, null);
            }
            catch (Exception ex)
            {
                return new SnapshotSerialized(index, confState, null, captureMs, 0, ex);
            }
        }).PipeTo(self);
    }

    /// <summary>
    /// A <see cref="GroupSnapshot"/> encoded as its generated code would (members, then the state), sized first and
    /// written into one array with the state machine's content written in place: no intermediate copy of the state.
    /// </summary>
    internal static ByteString EncodeGroupSnapshot(List<MemberInfo> members, SnapshotContent state)
    {
        long total = state.FieldSize();
        foreach (var m in members) total += 1 + CodedOutputStream.ComputeMessageSize(m);
        if (total > int.MaxValue)
            throw new InvalidOperationException($"the group snapshot would take {total:N0} bytes, over the 2 GiB a snapshot can hold");
        var bytes = new byte[total];
        var output = new CodedOutputStream(bytes);
        foreach (var m in members)
        {
            output.WriteTag(1, WireFormat.WireType.LengthDelimited);
            output.WriteMessage(m);
        }
        state.WriteField(output, 2);
        output.Flush();
        output.CheckNoSpaceLeft();
        return UnsafeByteOperations.UnsafeWrap(bytes);
    }

    private void OnSnapshotSerialized(SnapshotSerialized s)
    {
        snapshotInProgress = false;
        if (s.Error is not null || s.Data is null)
        {
            // Not a divergence (the state is untouched), but never silent: the log keeps growing until one succeeds.
            log.Error(s.Error, "Raft group {0}: serializing the snapshot at index {1} FAILED; the log is not compacted, the next snapshot is tried after snapshot-every-entries more entries", groupId, s.Index);
            return;
        }
        // A snapshot installed from the leader meanwhile, or a log compacted past it, supersedes this one.
        if (s.Index <= storage.Snapshot.Metadata.Index || s.Index > storage.LastIndex)
        {
            log.Info("Raft group {0}: the snapshot at index {1} is superseded by the one at {2}; dropped", groupId, s.Index, storage.Snapshot.Metadata.Index);
            return;
        }
        var installing = Stopwatch.GetTimestamp();
        storage.CreateSnapshot(s.Index, s.ConfState, s.Data);
        lastSnapshotBytes = s.Data.Length;
        // keep a tail of entries so a follower slightly behind catches up from the log, not a snapshot
        long compactTo = s.Index - settings.SnapshotEveryEntries / 4;
        if (compactTo > storage.FirstIndex - 1) storage.Compact(compactTo);
        logActor.Tell(new SaveLogState(storage.ToLogState()), Self);
        var timings = $"capture {s.CaptureMs:0.#} ms on the actor, serialization {s.SerializeMs:0.#} ms off it, install {Stopwatch.GetElapsedTime(installing).TotalMilliseconds:0.#} ms";
        log.Info("Raft group {0}: snapshot taken at index {1} in term {2} ({3:N0} bytes; {4}); log compacted to {5}",
            groupId, s.Index, node.Term, s.Data.Length, timings, storage.FirstIndex - 1);
    }

    private void RestoreFromSnapshot(Snapshot snap)
    {
        GroupSnapshot gs;
        try
        {
            gs = GroupSnapshot.Parser.ParseFrom(snap.Data);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidOperationException($"raft group {groupId}: snapshot at {snap.Metadata.Index} is not a group snapshot", ex);
        }
        foreach (var m in gs.Members) book.Learn(m);
        stateMachine.Restore(gs.State.Span);
        appliedSinceSnapshot = 0;
        appliedBytesSinceSnapshot = 0;
        lastSnapshotBytes = snap.Data.Length;
        smApplied = snap.Metadata.Index;
        RunReadsUpTo(snap.Metadata.Index);
    }
}
