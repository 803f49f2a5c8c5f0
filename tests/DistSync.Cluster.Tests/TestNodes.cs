using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Cluster;
using DistSync.Cluster.Hosting;
using DistSync.Cluster.Logging;
using DistSync.Cluster.Membership;
using DistSync.Cluster.Serialization;
using DistSync.Cluster.Wire;
using AkkaCluster = Akka.Cluster.Cluster;

namespace DistSync.Cluster.Tests;

/// <summary>Actor systems for multi-node specs: real Akka.Remote on loopback, any free port, the fault adapters on, and
/// the cluster module's wire messages bound to the DistSync serializer.</summary>
internal static class TestNodes
{
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    public static MessageTypeRegistry Registry()
    {
        var registry = new MessageTypeRegistry();
        ClusterMessageIds.Register(registry);
        return registry;
    }

    public static AkkaSettings Settings(string nodeId, bool faults = true, DowningKind downing = DowningKind.Raft) => new()
    {
        NodeId = nodeId,
        Port = 0,
        FaultInjection = faults,
        Downing = downing,
        Logger = AkkaLoggerKind.Default,
        LogLevel = "WARNING",
    };

    public static ActorSystemSetup Setup(AkkaSettings settings, params Setup[] extra)
    {
        var registry = Registry();
        var setup = BootstrapSetup.Create().WithConfig(AkkaConfig.Build(settings, registry)).And(new WireRegistrySetup(registry));
        foreach (var s in extra) setup = setup.And(s);
        return setup;
    }

    public static ActorSystem Start(AkkaSettings settings, params Setup[] extra) => ActorSystem.Create(settings.SystemName, Setup(settings, extra));

    public static NodeInfo InfoOf(ActorSystem system, string nodeId) => new()
    {
        NodeId = nodeId,
        HttpEndpoint = "127.0.0.1:" + (8000 + ((ExtendedActorSystem)system).Provider.DefaultAddress.Port!.Value % 1000),
        RemoteAddress = NodeAddress.Format(((ExtendedActorSystem)system).Provider.DefaultAddress),
    };

    /// <summary>The first system forms the cluster, the others join it.</summary>
    public static void Form(IReadOnlyList<ActorSystem> systems)
    {
        var first = AkkaCluster.Get(systems[0]).SelfAddress;
        foreach (var system in systems) AkkaCluster.Get(system).Join(first);
    }

    public static IEnumerable<Member> UpMembers(ActorSystem system) =>
        AkkaCluster.Get(system).State.Members.Where(m => m.Status == MemberStatus.Up);

    public static bool SeesUnreachable(ActorSystem observer, ActorSystem target) =>
        AkkaCluster.Get(observer).State.Unreachable.Any(m => m.Address.Equals(AkkaCluster.Get(target).SelfAddress));

    public static async Task TerminateAll(IEnumerable<ActorSystem> systems)
    {
        foreach (var system in systems) await system.Terminate().WaitAsync(Generous);
    }
}
