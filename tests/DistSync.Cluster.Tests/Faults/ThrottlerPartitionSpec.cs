using Akka.Actor;
using Akka.Remote.Transport;
using DistSync.Cluster.Faults;
using DistSync.Cluster.Membership;
using DistSync.Cluster.Wire;
using Xunit.Abstractions;
using AkkaCluster = Akka.Cluster.Cluster;

namespace DistSync.Cluster.Tests.Faults;

/// <summary>
/// The throttler on the real transport (Akka.Remote 1.5.74, applied-adapters = [trttl, gremlin]): a black hole stops
/// delivery and Akka.Cluster marks the peer unreachable; Unthrottled restores both without restarting anything.
/// </summary>
public sealed class ThrottlerPartitionSpec(ITestOutputHelper output) : ThreeMemberSpec(output)
{
    private static ActorSelection NodeInfoOf(ActorSystem from, ActorSystem to) =>
        from.ActorSelection(new RootActorPath(AkkaCluster.Get(to).SelfAddress) / "system" / NodeInfoActor.Name);

    [Fact]
    public async Task A_black_hole_cuts_a_node_off_and_unthrottled_brings_it_back_without_a_restart()
    {
        var (n1, n2, n3) = (Systems[0], Systems[1], Systems[2]);
        var faults = new NetworkFaults(Systems);
        var probe = CreateTestProbe(n1);
        var n3Identity = AkkaCluster.Get(n3).SelfUniqueAddress;

        // 1. the three form a cluster, and n1 gets an answer from n3 over the wire
        Assert.StartsWith("akka.trttl.gremlin.tcp", AkkaCluster.Get(n1).SelfAddress.Protocol, StringComparison.Ordinal);
        TestNodes.Form(Systems);
        await AwaitAssertAsync(() => Assert.All(Systems, s => Assert.Equal(3, TestNodes.UpMembers(s).Count())), TestNodes.Generous);
        NodeInfoOf(n1, n3).Tell(new GetNodeInfo(), probe.Ref);
        Assert.Equal("n3", (await probe.ExpectMsgAsync<NodeInfo>(TestNodes.Generous)).NodeId);

        // 2. isolate n3: a black hole both ways between it and each other node
        await faults.IsolateAsync(n3);
        Assert.Equal(2, faults.Nodes[0].Rules.Count + faults.Nodes[1].Rules.Count);

        // 3. n1 and n2 mark n3 unreachable, and n3 marks them
        await AwaitAssertAsync(() =>
        {
            Assert.True(TestNodes.SeesUnreachable(n1, n3));
            Assert.True(TestNodes.SeesUnreachable(n2, n3));
            Assert.True(TestNodes.SeesUnreachable(n3, n1));
            Assert.Equal(MemberStatuses.Unreachable, Directories[0].Members().Single(m => m.NodeId == "n3").Status);
        }, TestNodes.Generous);

        // 4. nothing gets through: a request from n1 to n3 is not answered while the black hole stands
        NodeInfoOf(n1, n3).Tell(new GetNodeInfo(), probe.Ref);
        await probe.ExpectNoMsgAsync(TimeSpan.FromSeconds(3));

        // 5. heal: every node sees every other reachable again
        await faults.HealAllAsync();
        Assert.All(faults.Nodes, n => Assert.Empty(n.Rules));
        await AwaitAssertAsync(() =>
        {
            foreach (var system in Systems) Assert.Empty(AkkaCluster.Get(system).State.Unreachable);
            Assert.All(Directories[0].Members(), m => Assert.Equal(MemberStatuses.Up, m.Status));
        }, TestNodes.Generous);

        // 6. n3 answers again, and it is the same incarnation: nothing was restarted or quarantined
        await AwaitAssertAsync(async () =>
        {
            var fresh = CreateTestProbe(n1);
            NodeInfoOf(n1, n3).Tell(new GetNodeInfo(), fresh.Ref);
            Assert.Equal("n3", (await fresh.ExpectMsgAsync<NodeInfo>(TimeSpan.FromSeconds(5))).NodeId);
        }, TestNodes.Generous);
        Assert.Equal(n3Identity, AkkaCluster.Get(n3).SelfUniqueAddress);
        Assert.False(n3.WhenTerminated.IsCompleted);
        Assert.Equal(3, TestNodes.UpMembers(n1).Count());
    }

    [Fact]
    public async Task A_one_way_block_stops_only_that_direction()
    {
        var (n1, n2) = (Systems[0], Systems[1]);
        var node1 = new NodeFaults(n1);
        TestNodes.Form(Systems);
        await AwaitAssertAsync(() => Assert.All(Systems, s => Assert.Equal(3, TestNodes.UpMembers(s).Count())), TestNodes.Generous);

        // 1. n1 stops receiving from n2: n2's answers to n1 are lost, so n1 never hears back
        await node1.BlockAsync(AkkaCluster.Get(n2).SelfAddress, ThrottleTransportAdapter.Direction.Receive);
        Assert.Equal("block inbound", Assert.Single(node1.Rules).Value);
        var probe = CreateTestProbe(n1);
        NodeInfoOf(n1, n2).Tell(new GetNodeInfo(), probe.Ref);
        await probe.ExpectNoMsgAsync(TimeSpan.FromSeconds(3));

        // 2. heal: answers flow again
        await node1.HealAllAsync();
        await AwaitAssertAsync(async () =>
        {
            var fresh = CreateTestProbe(n1);
            NodeInfoOf(n1, n2).Tell(new GetNodeInfo(), fresh.Ref);
            Assert.Equal("n2", (await fresh.ExpectMsgAsync<NodeInfo>(TimeSpan.FromSeconds(5))).NodeId);
        }, TestNodes.Generous);
    }

    [Fact]
    public async Task A_system_without_the_fault_adapters_is_refused_clearly()
    {
        var plain = TestNodes.Start(TestNodes.Settings("plain", faults: false));
        try
        {
            Assert.False(NodeFaults.IsEnabled(plain));
            Assert.Contains("applied-adapters", Assert.Throws<InvalidOperationException>(() => new NodeFaults(plain)).Message);
        }
        finally
        {
            await plain.Terminate().WaitAsync(TestNodes.Generous);
        }
    }
}
