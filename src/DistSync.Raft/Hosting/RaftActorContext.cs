using Akka.Actor;
using DistSync.Raft.Hosting.Wire;

namespace DistSync.Raft.Hosting;

/// <summary>What every <see cref="RaftActor"/> of a node shares: who this node is, the settings, how it joins, the
/// state machine factory and the persistence plugins of its log.</summary>
internal sealed record RaftActorContext(
    MemberInfo Self,
    RaftHostSettings Settings,
    IReadOnlyList<RaftMember> InitialMembers,
    bool Join,
    IReadOnlyList<Address> Seeds,
    Func<IRaftStateMachine> StateMachineFactory,
    string? JournalPluginId,
    string? SnapshotPluginId,
    RaftLinkFaults? LinkFaults,
    IRaftMetrics? Metrics = null);
