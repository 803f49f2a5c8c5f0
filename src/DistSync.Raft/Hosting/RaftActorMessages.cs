using Akka.Actor;
using DistSync.Raft.Hosting.Wire;
using Google.Protobuf;

namespace DistSync.Raft.Hosting;

// Local messages of the Raft host (never on the wire; the wire types live in raft_host.proto). They carry
// completions, tokens and Props, so they say INoSerializationVerificationNeeded for specs run with
// akka.actor.serialize-messages = on.

/// <summary>A proposal from this node's <see cref="RaftGroup"/>: proposed if leader, else forwarded to the leader.</summary>
internal sealed record LocalPropose(ByteString Command, ulong ClientId, ulong Sequence, TaskCompletionSource<ProposalOutcome> Completion, CancellationToken Cancellation) : INoSerializationVerificationNeeded;

/// <summary>A query to run on the actor's thread, after a ReadIndex round when linearizable.</summary>
internal sealed record LocalRead(Func<IRaftStateMachine, object?> Query, bool Linearizable, TaskCompletionSource<object?> Completion) : INoSerializationVerificationNeeded;

/// <summary>Remove a member or transfer leadership (here if leader, else forwarded to the leader).</summary>
internal sealed record LocalAdmin(AdminKind Kind, string NodeId, TaskCompletionSource<ProposalOutcome> Completion, CancellationToken Cancellation) : INoSerializationVerificationNeeded;

/// <summary>Asks the router to create (or return) the actor of a group.</summary>
internal sealed record StartGroup(int GroupId, Props Props) : INoSerializationVerificationNeeded;

/// <summary>Self-message that turns everything received since the last one into one Ready.</summary>
internal sealed class FlushReady : INoSerializationVerificationNeeded
{
    public static readonly FlushReady Instance = new();
}

internal sealed class RaftTick : INoSerializationVerificationNeeded
{
    public static readonly RaftTick Instance = new();
}

internal sealed class JoinTick : INoSerializationVerificationNeeded
{
    public static readonly JoinTick Instance = new();
}

/// <summary>A heartbeat or heartbeat response for the router to send to <paramref name="PeerRouter"/> in one
/// <see cref="GroupMessageBatch"/> with those of the other groups.</summary>
internal sealed record CoalesceOutgoing(IActorRef PeerRouter, GroupMessage Message) : INoSerializationVerificationNeeded;

/// <summary>The transport to a peer node dropped (Akka.Remote's DisassociatedEvent), told by the router to every group.</summary>
internal sealed record PeerDisconnected(Address Address) : INoSerializationVerificationNeeded;
