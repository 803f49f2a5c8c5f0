using Google.Protobuf;

namespace DistSync.Raft;

// Snapshot transfer (InstallSnapshot in chunks). Leader: stop-and-wait, one chunk outstanding per peer, the next
// sent when the peer acknowledges the previous one, a lost one resent only when its timeout passes (never on
// heartbeat answers, which used to start extra chunk loops). Follower: every chunk goes to storage through the
// Ready and is acknowledged once stored; the snapshot is assembled from storage once, when the last one is.
public sealed partial class RaftNode
{
    // follower side: what has been handed to the host for storage, and the chunks for the next Ready
    private PartialSnapshot? receivingSnapshot;
    private List<SnapshotChunk> snapshotChunks = new();
    private bool snapshotCompleteAfterPersist;
    private ulong snapshotFrom;

    /// <summary>Snapshot chunk messages this node sent as leader (retransmissions included).</summary>
    public long SnapshotChunksSent { get; private set; }

    /// <summary>Of <see cref="SnapshotChunksSent"/>, the ones resent because the previous send was not acknowledged in time.</summary>
    public long SnapshotChunksResent { get; private set; }

    /// <summary>Ticks after which an unacknowledged chunk is sent again (one election timeout).</summary>
    private int SnapshotRetransmitTicks => config.ElectionTick;

    // ---------------------------------------------------------------- leader side

    private void StartSnapshot(Progress pr)
    {
        pr.BecomeSnapshot(storage.Snapshot.Metadata.Index);
        SendSnapshotChunk(pr, retransmit: false);
    }

    /// <summary>Sends the chunk at the offset the peer expects next; once all are acknowledged, an empty probe at the end
    /// (the peer answers it with its log position when it has installed the snapshot).</summary>
    private void SendSnapshotChunk(Progress pr, bool retransmit)
    {
        var snap = storage.Snapshot;
        if (snap.Metadata.Index != pr.PendingSnapshot)
        {
            // a newer snapshot replaced the one in transfer: start over with it
            pr.BecomeSnapshot(snap.Metadata.Index);
        }
        int size = snap.Data.Length;
        long offset = pr.SnapshotOffset;
        if (offset > size) offset = pr.SnapshotOffset = 0;
        int length = (int)Math.Min(config.SnapshotChunkSize, size - offset);
        Send(new Message
        {
            Type = MessageType.Snapshot,
            To = pr.Id,
            Snapshot = snap.Metadata,
            SnapshotOffset = offset,
            SnapshotSize = size,
            SnapshotChunk = length == size ? snap.Data : length == 0 ? ByteString.Empty : ByteString.CopyFrom(snap.Data.Span.Slice((int)offset, length)),
        });
        pr.SnapshotTicksSinceSend = 0;
        SnapshotChunksSent++;
        if (retransmit) SnapshotChunksResent++;
    }

    private void HandleSnapshotResponse(Progress pr, Message m)
    {
        if (pr.State != ProgressState.Snapshot || m.Index != pr.PendingSnapshot) return;
        if (m.SnapshotOffset > pr.SnapshotOffset)
        {
            // the outstanding chunk arrived: send the next one (or wait for the install once all are there)
            pr.SnapshotOffset = m.SnapshotOffset;
            if (m.SnapshotOffset < storage.Snapshot.Data.Length) SendSnapshotChunk(pr, retransmit: false);
            else pr.SnapshotTicksSinceSend = 0;
        }
        else if (m.SnapshotOffset < pr.SnapshotOffset)
        {
            // the peer lost what it had (a restart) or restarted the transfer: go back, resent when the timeout passes
            pr.SnapshotOffset = m.SnapshotOffset;
        }
        // equal: a duplicate acknowledgement; the outstanding chunk is on its way, or lost and resent on its timeout
    }

    /// <summary>Leader tick: a chunk (or end probe) not acknowledged within the retransmit timeout is sent again.</summary>
    private void TickSnapshotTransfers()
    {
        foreach (var pr in peers)
        {
            if (pr.State != ProgressState.Snapshot || pr.Id == Id) continue;
            if (++pr.SnapshotTicksSinceSend >= SnapshotRetransmitTicks) SendSnapshotChunk(pr, retransmit: true);
        }
    }

    // ---------------------------------------------------------------- follower side

    private void HandleSnapshotChunk(Message m)
    {
        var meta = m.Snapshot;
        if (meta is null || m.SnapshotOffset < 0 || m.SnapshotSize < 0) return;
        if (meta.Index <= Log.Committed)
        {
            // we already have everything it contains
            Send(new Message { Type = MessageType.AppendResponse, To = m.From, Index = Log.Committed });
            return;
        }
        if (snapshotCompleteAfterPersist) return; // the whole snapshot is already on its way to storage
        var r = receivingSnapshot;
        if (r is null || !r.Metadata.Equals(meta) || r.Size != m.SnapshotSize)
        {
            if (m.SnapshotOffset != 0)
            {
                receivingSnapshot = null;
                Send(new Message { Type = MessageType.SnapshotResponse, To = m.From, Index = meta.Index, SnapshotOffset = 0 });
                return;
            }
            r = new PartialSnapshot(meta, m.SnapshotSize, 0);
        }
        int length = m.SnapshotChunk.Length;
        if (m.SnapshotOffset == r.Received && r.Received + length <= r.Size && (length > 0 || r.Size == 0))
        {
            snapshotChunks.Add(new SnapshotChunk(meta, m.SnapshotOffset, r.Size, m.SnapshotChunk));
            r = r with { Received = r.Received + length };
        }
        receivingSnapshot = r;
        if (!r.IsComplete)
        {
            // acknowledged after the Ready that stores the chunk (a follower's messages wait for persistence)
            Send(new Message { Type = MessageType.SnapshotResponse, To = m.From, Index = meta.Index, SnapshotOffset = r.Received });
            return;
        }
        snapshotCompleteAfterPersist = true;
        snapshotFrom = m.From;
    }

    /// <summary>At Advance: the Ready's chunks are stored; if the last one was among them, install the snapshot.</summary>
    private void OnSnapshotChunksStored()
    {
        if (!snapshotCompleteAfterPersist) return;
        snapshotCompleteAfterPersist = false;
        receivingSnapshot = null;
        var snapshot = storage.TakeIncomingSnapshot();
        ulong to = snapshotFrom;
        if (Restore(snapshot))
            Send(new Message { Type = MessageType.AppendResponse, To = to, Index = Log.LastIndex });
        else
            Send(new Message { Type = MessageType.AppendResponse, To = to, Index = Log.Committed });
    }

    private bool Restore(Snapshot snapshot)
    {
        var meta = snapshot.Metadata;
        if (meta.Index <= Log.Committed) return false;
        if (Log.MatchTerm(meta.Index, meta.Term))
        {
            // our log already holds the snapshot's last entry: just fast-forward the commit
            Log.CommitTo(meta.Index);
            return false;
        }
        Log.Restore(snapshot);
        ApplyConfState(meta.ConfState ?? new ConfState());
        confAppliedIndex = meta.Index;
        return true;
    }
}
