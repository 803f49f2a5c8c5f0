using DistSync.Raft.Hosting.Wire;
using Google.Protobuf;

namespace DistSync.Raft.Hosting;

// Local messages of the Raft host (never on the wire; the wire types live in raft_host.proto).

/// <summary>A proposal from this node's <see cref="RaftGroup"/>: proposed if leader, else forwarded to the leader.</summary>
internal sealed record LocalPropose(ByteString Command, ulong ClientId, ulong Sequence, TaskCompletionSource<ProposalOutcome> Completion, CancellationToken Cancellation);

/// <summary>A query to run on the actor's thread, after a ReadIndex round when linearizable.</summary>
internal sealed record LocalRead(Func<IRaftStateMachine, object?> Query, bool Linearizable, TaskCompletionSource<object?> Completion);

/// <summary>Remove a member or transfer leadership (here if leader, else forwarded to the leader).</summary>
internal sealed record LocalAdmin(AdminKind Kind, string NodeId, TaskCompletionSource<ProposalOutcome> Completion, CancellationToken Cancellation);

/// <summary>Asks the router to create (or return) the actor of a group.</summary>
internal sealed record StartGroup(int GroupId, DistSync.Actors.Props Props);

/// <summary>Self-message that turns everything received since the last one into one Ready.</summary>
internal sealed class FlushReady
{
    public static readonly FlushReady Instance = new();
}

internal sealed class RaftTick
{
    public static readonly RaftTick Instance = new();
}

internal sealed class JoinTick
{
    public static readonly JoinTick Instance = new();
}
