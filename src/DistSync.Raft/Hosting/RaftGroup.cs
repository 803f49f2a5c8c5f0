using Akka.Actor;
using DistSync.Raft.Hosting.Wire;
using Google.Protobuf;

namespace DistSync.Raft.Hosting;

/// <summary>
/// The thread-safe face of one group hosted on this node (<see cref="IRaftGroup"/>): every call becomes a
/// message to the group's <see cref="RaftActor"/>; a follower's actor forwards to the leader. When no leader is
/// known (an election is running) the call waits a tick and asks again, until its token fires.
/// </summary>
public sealed class RaftGroup : IRaftGroup
{
    private readonly IActorRef actor;
    private readonly RaftGroupState state;
    private readonly TimeSpan retryDelay;

    internal RaftGroup(int groupId, string nodeId, IActorRef actor, RaftGroupState state, TimeSpan retryDelay)
    {
        GroupId = groupId;
        NodeId = nodeId;
        this.actor = actor;
        this.state = state;
        this.retryDelay = retryDelay;
    }

    public int GroupId { get; }

    /// <summary>This node's id.</summary>
    public string NodeId { get; }

    public RaftGroupStatus Status => state.Status;

    /// <summary>True once the group's actor is gone for good (stopped by the host, failed, or the system ended).</summary>
    internal bool IsStopped => state.Stopped.IsCancellationRequested;

    internal void MarkStopped() => state.MarkStopped();

    public async Task<ReadOnlyMemory<byte>> ProposeAsync(ReadOnlyMemory<byte> command, CancellationToken ct, ulong clientId = 0, ulong sequence = 0)
    {
        if (command.IsEmpty) throw new ArgumentException("a command must not be empty (empty entries are Raft no-ops)", nameof(command));
        var bytes = ByteString.CopyFrom(command.Span);
        while (true)
        {
            ThrowIfStopped();
            var tcs = new TaskCompletionSource<ProposalOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            actor.Tell(new LocalPropose(bytes, clientId, sequence, tcs, ct));
            var outcome = await Await(tcs.Task, ct, "the proposal").ConfigureAwait(false);
            switch (outcome.Code)
            {
                case OutcomeCode.Ok:
                    return outcome.Result.Memory;
                case OutcomeCode.NotLeader:
                    await WaitBeforeRetry(outcome, ct).ConfigureAwait(false);
                    continue;
                case OutcomeCode.ApplyFailed:
                    throw new InvalidOperationException($"raft group {GroupId}: the state machine failed to apply the command: {outcome.Error}");
                case OutcomeCode.Invalid:
                    throw new ArgumentException(outcome.Error, nameof(command));
                default:
                    throw new RaftUnavailableException($"raft group {GroupId}: {outcome.Error}", Hint(outcome));
            }
        }
    }

    public async Task<T> QueryAsync<T>(Func<IRaftStateMachine, T> query, bool linearizable, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var tcs = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        ThrowIfStopped();
        actor.Tell(new LocalRead(sm => query(sm), linearizable, tcs));
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, state.Stopped);
        try
        {
            return (T)(await tcs.Task.WaitAsync(either.Token).ConfigureAwait(false))!;
        }
        catch (OperationCanceledException) when (either.IsCancellationRequested)
        {
            tcs.TrySetCanceled(); // the actor drops it
            ThrowIfStopped();
            throw new RaftUnavailableException($"raft group {GroupId}: no leader confirmed the read in time", Status.Leader);
        }
    }

    public Task TransferLeaderAsync(string nodeId, CancellationToken ct) => AdminAsync(AdminKind.TransferLeader, nodeId, ct);

    public Task RemoveMemberAsync(string nodeId, CancellationToken ct) => AdminAsync(AdminKind.RemoveMember, nodeId, ct);

    private async Task AdminAsync(AdminKind kind, string nodeId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        while (true)
        {
            ThrowIfStopped();
            var tcs = new TaskCompletionSource<ProposalOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            actor.Tell(new LocalAdmin(kind, nodeId, tcs, ct));
            var outcome = await Await(tcs.Task, ct, kind == AdminKind.TransferLeader ? "the leader transfer" : "the member removal").ConfigureAwait(false);
            switch (outcome.Code)
            {
                case OutcomeCode.Ok:
                    return;
                case OutcomeCode.NotLeader:
                    await WaitBeforeRetry(outcome, ct).ConfigureAwait(false);
                    continue;
                case OutcomeCode.Busy:
                    // the leader is there but refuses for now: say that, not "no leader", when the deadline passes
                    await WaitBeforeRetry(outcome, ct, busy: true).ConfigureAwait(false);
                    continue;
                case OutcomeCode.Invalid:
                    throw new ArgumentException(outcome.Error, nameof(nodeId));
                default:
                    throw new RaftUnavailableException($"raft group {GroupId}: {outcome.Error}", Hint(outcome));
            }
        }
    }

    private async Task<ProposalOutcome> Await(Task<ProposalOutcome> task, CancellationToken ct, string what)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, state.Stopped);
        try
        {
            return await task.WaitAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (either.IsCancellationRequested)
        {
            // the answer may have raced the stop or the deadline (a group that fails answers, then stops): it wins
            if (task.IsCompletedSuccessfully) return task.Result;
            ThrowIfStopped();
            throw new RaftUnavailableException($"raft group {GroupId}: no leader committed {what} before the deadline; its outcome is unknown", Status.Leader);
        }
    }

    private async Task WaitBeforeRetry(ProposalOutcome outcome, CancellationToken ct, bool busy = false)
    {
        try
        {
            await Task.Delay(retryDelay, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            ThrowIfStopped();
            if (busy) throw new RaftBusyException($"raft group {GroupId}: {outcome.Error}", Hint(outcome));
            throw new RaftUnavailableException($"raft group {GroupId}: no leader available before the deadline", Hint(outcome)) { NoLeaderTookIt = true };
        }
    }

    private void ThrowIfStopped()
    {
        if (state.Stopped.IsCancellationRequested)
            throw new RaftUnavailableException($"raft group {GroupId} is stopped on node {NodeId}");
    }

    private string? Hint(ProposalOutcome outcome) => outcome.LeaderHint.Length > 0 ? outcome.LeaderHint : Status.Leader;
}
