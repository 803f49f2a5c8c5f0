namespace DistSync.Raft.Hosting;

/// <summary>
/// What the rest of a node uses of one Raft group hosted on it (group 0 = the meta group). Thread-safe:
/// HTTP handlers call it concurrently; the group's actor serialises the work. Any node may be asked:
/// a follower forwards proposals and reads to the leader inside the cluster.
/// </summary>
public interface IRaftGroup
{
    int GroupId { get; }

    /// <summary>
    /// Proposes <paramref name="command"/>; completes with the state machine's result once the entry is
    /// committed and applied on the leader. Throws <see cref="RaftUnavailableException"/> when no leader
    /// commits it before <paramref name="ct"/> fires or leadership is lost meanwhile, including a follower
    /// learning that the leader it forwarded the proposal to was replaced (the outcome is then
    /// unknown: safe to retry only for idempotent commands or with a client session).
    /// </summary>
    Task<ReadOnlyMemory<byte>> ProposeAsync(ReadOnlyMemory<byte> command, CancellationToken ct, ulong clientId = 0, ulong sequence = 0);

    /// <summary>
    /// Runs <paramref name="query"/> against this node's replica of the state machine, on the group's
    /// thread. With <paramref name="linearizable"/> it first obtains a read index from the leader
    /// (ReadIndex) and waits until this replica has applied up to it; otherwise it reads local state at once.
    /// </summary>
    Task<T> QueryAsync<T>(Func<IRaftStateMachine, T> query, bool linearizable, CancellationToken ct);

    /// <summary>A consistent snapshot of the group's Raft state, for /status and the CLI.</summary>
    RaftGroupStatus Status { get; }

    /// <summary>Asks the leader to hand leadership to <paramref name="nodeId"/> (TimeoutNow); completes once proposed.</summary>
    Task TransferLeaderAsync(string nodeId, CancellationToken ct);

    /// <summary>Removes <paramref name="nodeId"/> from the group's configuration (leave / down).</summary>
    Task RemoveMemberAsync(string nodeId, CancellationToken ct);
}
