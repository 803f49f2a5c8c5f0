namespace DistSync.Raft;

/// <summary>
/// A deterministic replicated state machine (ARCHITECTURE.md §3). The <see cref="RaftGroup"/> host calls it
/// from ONE thread (its actor's turn), in log order, on every replica; it never reads a clock or a random
/// source: time comes from <see cref="AppliedEntry.TimestampMs"/>, stamped by the leader.
/// </summary>
public interface IRaftStateMachine
{
    /// <summary>
    /// Applies one committed normal entry and returns the result the proposer receives (encoded by the state
    /// machine itself, e.g. a Protobuf message). Must be deterministic: same entries, same results and state.
    /// </summary>
    ReadOnlyMemory<byte> Apply(AppliedEntry entry);

    /// <summary>The whole state as bytes, deterministic (sorted keys), for Raft snapshots.</summary>
    byte[] Snapshot();

    /// <summary>
    /// Captures the state for a snapshot on the apply thread and returns content that encodes the capture as the bytes
    /// <see cref="Snapshot"/> would give. The host sizes and writes it on another thread while it goes on applying
    /// entries, so a large state does not stall ticks, heartbeats and proposals for the length of its serialization,
    /// and writes it straight into the group snapshot's one buffer. The capture must share nothing mutable with the
    /// live state. The default serializes at once (right for small states).
    /// </summary>
    SnapshotContent CaptureSnapshot()
    {
        var bytes = Snapshot();
        return SnapshotContent.Encoded(bytes);
    }

    /// <summary>Replaces the whole state with a snapshot taken by <see cref="Snapshot"/> (possibly on another node).</summary>
    void Restore(ReadOnlySpan<byte> snapshot);

    /// <summary>
    /// The earliest log time (ms) at which the state machine has something to expire (session TTL, lock
    /// wait, ...), or null. When the leader's clock passes it, the host proposes <see cref="ExpireCommand"/>.
    /// </summary>
    long? NextDeadlineMs { get; }

    /// <summary>The command bytes the leader proposes when <see cref="NextDeadlineMs"/> is due.</summary>
    ReadOnlyMemory<byte> ExpireCommand { get; }
}
