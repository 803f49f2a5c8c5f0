using Akka.Actor;
using AkkaCluster = Akka.Cluster.Cluster;

namespace DistSync.Cluster.Downing;

/// <summary>
/// Akka.Cluster downing that leaves the decision to Raft: nothing is downed for being unreachable, however long; a
/// member is downed only when the node host says so (<see cref="DownMember"/>), which it does after the meta group
/// committed the member's removal. Akka's split-brain resolver would otherwise down and quarantine a healthy minority
/// that Raft lets rejoin after a partition, and a quarantine is permanent for that incarnation.
/// </summary>
/// <remarks>Configured as <c>akka.cluster.downing-provider-class</c> (see <see cref="Hosting.AkkaConfig"/>); Akka's
/// cluster daemon creates it with this constructor and starts <see cref="DowningActorProps"/>.</remarks>
public sealed class RaftDowningProvider : Akka.Cluster.IDowningProvider
{
    /// <summary>The value of <c>akka.cluster.downing-provider-class</c> that selects this class.</summary>
    public static readonly string ProviderClass =
        typeof(RaftDowningProvider).FullName + ", " + typeof(RaftDowningProvider).Assembly.GetName().Name;

    public RaftDowningProvider(ActorSystem system, AkkaCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(cluster);
    }

    /// <summary>No margin: Raft already moved the member's responsibilities when it committed the removal.</summary>
    public TimeSpan DownRemovalMargin => TimeSpan.Zero;

    public Props DowningActorProps => Props.Create<RaftDowningActor>();
}
