using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using Akka.Coordination;
using Xunit.Abstractions;

namespace DistSync.Akka.Coordination.Tests;

/// <summary>The sample <c>samples/singleton-lease.conf</c>: Cluster Singleton behind <c>use-lease = "dsync-lease"</c>
/// starts its singleton only once the lease is held.</summary>
public sealed class SingletonBehindLeaseSpec(OneNodeCluster cluster, ITestOutputHelper output)
    : global::Akka.TestKit.Xunit2.TestKit(SampleWith(cluster.Endpoint), output: output), IClassFixture<OneNodeCluster>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private sealed record Started(Address On);

    private sealed class Reporter : ReceiveActor
    {
        public Reporter(IActorRef probe) => probe.Tell(new Started(global::Akka.Cluster.Cluster.Get(Context.System).SelfAddress));
    }

    private static Config SampleWith(string endpoint) =>
        ConfigurationFactory.ParseString($$"""
            akka.loglevel = WARNING
            akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
            akka.cluster.singleton.lease-retry-interval = 1s
            dsync-lease { endpoints = ["{{endpoint}}"], heartbeat-timeout = 3s, heartbeat-interval = 1s }
            """)
            .WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "samples", "singleton-lease.conf"))))
            .WithFallback(DistSyncLeaseConfig.Default);

    [Fact]
    public async Task The_singleton_waits_for_the_lease_and_runs_where_it_is_held()
    {
        // 1. Someone else holds the singleton's lease (its name is Akka's: "<system>-singleton-<manager path>").
        var managerPath = ((ExtendedActorSystem)Sys).Guardian.Path / "guarded";
        var leaseName = $"{Sys.Name}-singleton-{managerPath}";
        var outsider = LeaseProvider.Get(Sys).GetLease(leaseName, DistSyncLeaseConfig.Path, "outsider");
        Assert.True(await outsider.Acquire().WaitAsync(Generous));

        // 2. A one-member cluster with the singleton manager: it is the oldest, but the lease is taken.
        var self = global::Akka.Cluster.Cluster.Get(Sys);
        await self.JoinAsync(self.SelfAddress).WaitAsync(Generous);
        var manager = Sys.ActorOf(ClusterSingletonManager.Props(Props.Create(() => new Reporter(TestActor)), PoisonPill.Instance,
            ClusterSingletonManagerSettings.Create(Sys)), "guarded");
        Assert.Equal(managerPath, manager.Path);
        var managersLease = LeaseProvider.Get(Sys).GetLease(leaseName, DistSyncLeaseConfig.Path, self.SelfAddress.HostPort());
        ExpectNoMsg(TimeSpan.FromSeconds(5));
        Assert.False(managersLease.CheckLease());

        // 3. The outsider lets go: the manager's retry gets the lease and only then starts the singleton.
        Assert.True(await outsider.Release().WaitAsync(Generous));
        Assert.Equal(self.SelfAddress, ExpectMsg<Started>(Generous).On);
        Assert.True(managersLease.CheckLease());
        Assert.False(await outsider.Acquire().WaitAsync(Generous));
    }
}
