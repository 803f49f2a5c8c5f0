using Akka.Actor;

namespace DistSync.Raft.Hosting;

/// <summary>What the node host tells <see cref="RaftHost.StartAsync"/> about this node (see RAFT-HOST-API.md).</summary>
public sealed record RaftHostOptions
{
    /// <summary>This node's unique, stable id (dsync.node.id).</summary>
    public required string NodeId { get; init; }

    /// <summary>host:port of this node's HTTP API, advertised to the other members.</summary>
    public string HttpEndpoint { get; init; } = "";

    /// <summary>The founding members of the meta group (the same list on every founding node, self included).</summary>
    public IReadOnlyList<RaftMember> InitialMembers { get; init; } = [];

    /// <summary>Ask <see cref="Seeds"/> to add this node when it is not a member yet.</summary>
    public bool Join { get; init; }

    /// <summary>Remoting addresses of nodes to send JoinRequests to.</summary>
    public IReadOnlyList<Address> Seeds { get; init; } = [];

    /// <summary>Creates the state machine of a group hosted on this node (called once per group actor incarnation).</summary>
    public required Func<IRaftStateMachine> StateMachineFactory { get; init; }

    /// <summary>The Akka.Persistence journal plugin id of the Raft log; null: the system's default journal.</summary>
    public string? JournalPluginId { get; init; }

    /// <summary>The snapshot store plugin id of the Raft log; null: the system's default snapshot store.</summary>
    public string? SnapshotPluginId { get; init; }

    /// <summary>Delays and seeded drops on Raft's send path (specs, admin fault routes); null: none.</summary>
    public RaftLinkFaults? LinkFaults { get; init; }

    /// <summary>Receives proposal, leader-change, persist and commit figures of every group (the node's /metrics); null: none.</summary>
    public IRaftMetrics? Metrics { get; init; }

    /// <summary>Overrides dsync.raft from configuration (tests).</summary>
    public RaftHostSettings? Settings { get; init; }

    /// <summary>Seed of the election-timeout randomness; null: derived from the node id (deterministic per node).</summary>
    public int? RandomSeed { get; init; }
}
