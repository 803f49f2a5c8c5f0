namespace DistSync.Raft.Hosting;

/// <summary>
/// A Raft group other than the meta group (a queue partition, multi-Raft) to host on this node with
/// <see cref="RaftHost.StartGroupAsync"/>. Its members are named by the same node ids as the meta group's.
/// </summary>
public sealed record RaftGroupSpec
{
    /// <summary>The group's id (&gt; 0; 0 is the meta group), unique in the cluster.</summary>
    public required int GroupId { get; init; }

    /// <summary>The founding replicas (the same list on every founding replica, this node included). Empty when
    /// this node joins a running group (<see cref="Join"/>).</summary>
    public IReadOnlyList<RaftMember> InitialMembers { get; init; } = [];

    /// <summary>Ask <see cref="Seeds"/> (the group's current replicas) to add this node: it is added as a learner
    /// and promoted to voter once caught up, so a replica moves by Raft membership change only.</summary>
    public bool Join { get; init; }

    /// <summary>Remoting addresses of the group's current replicas, for <see cref="Join"/>.</summary>
    public IReadOnlyList<Akka.Actor.Address> Seeds { get; init; } = [];

    /// <summary>Creates the group's state machine (once per actor incarnation).</summary>
    public required Func<IRaftStateMachine> StateMachineFactory { get; init; }
}
