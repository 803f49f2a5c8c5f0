using Akka.Actor;
using DistSync.Cluster.FailureDetection;
using DistSync.Cluster.Membership;
using Xunit.Abstractions;
using AkkaCluster = Akka.Cluster.Cluster;

namespace DistSync.Cluster.Tests.Membership;

/// <summary>
/// Three actor Systems form an Akka cluster over loopback; each member directory lists the three with their node ids
/// (from the roles), their HTTP endpoints (asked with GetNodeInfo over the wire serializer) and the phi the
/// heartbeat detector computes for them. Numbered steps; every wait is generous.
/// </summary>
public sealed class ThreeNodeMembershipSpec(ITestOutputHelper output) : ThreeMemberSpec(output)
{
    [Fact]
    public async Task Every_directory_lists_the_three_members_up_with_ids_endpoints_and_phi()
    {
        // 1. before joining, a directory lists only this node, as joining
        var alone = Directories[0].Members();
        Assert.Equal("n1", Assert.Single(alone).NodeId);
        Assert.Equal(MemberStatuses.Joining, alone[0].Status);

        // 2. form the cluster: every system sees three members up
        TestNodes.Form(Systems);
        await AwaitAssertAsync(() => Assert.All(Systems, s => Assert.Equal(3, TestNodes.UpMembers(s).Count())), TestNodes.Generous);

        // 3. every directory: self first, all up, ids from roles, endpoints learned from NodeInfo
        await AwaitAssertAsync(() =>
        {
            for (var i = 0; i < Systems.Count; i++)
            {
                var members = Directories[i].Members();
                Assert.Equal(3, members.Count);
                Assert.Equal(AkkaCluster.Get(Systems[i]).SelfAddress, members[0].Address);
                Assert.All(members, m => Assert.Equal(MemberStatuses.Up, m.Status));
                Assert.Equal(["n1", "n2", "n3"], members.Select(m => m.NodeId!).Order());
                Assert.All(members, m => Assert.NotNull(m.HttpEndpoint));
            }
        }, TestNodes.Generous);

        // 4. the detector monitors the other two on every node; phi is finite and below the threshold while all is well
        await AwaitAssertAsync(() =>
        {
            foreach (var system in Systems)
            {
                var registry = PhiRegistry.For(system);
                Assert.Equal(2, registry.Addresses.Count);
                Assert.All(registry.Addresses, a => Assert.InRange(registry.PhiOf(a)!.Value, 0.0, 8.0));
            }
        }, TestNodes.Generous);

        // 5. lookups by node id: HTTP endpoint and address
        var n3 = TestNodes.InfoOf(Systems[2], "n3");
        Assert.Equal(n3.HttpEndpoint, Directories[0].HttpEndpointOf("n3"));
        Assert.Equal(AkkaCluster.Get(Systems[2]).SelfAddress, Directories[0].AddressOf("n3"));
        Assert.Null(Directories[0].AddressOf("n9"));
    }
}
