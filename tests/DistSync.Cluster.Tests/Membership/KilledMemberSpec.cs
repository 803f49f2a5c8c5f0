using Akka.Actor;
using DistSync.Cluster.Downing;
using DistSync.Cluster.Faults;
using DistSync.Cluster.FailureDetection;
using DistSync.Cluster.Membership;
using Xunit.Abstractions;
using AkkaCluster = Akka.Cluster.Cluster;

namespace DistSync.Cluster.Tests.Membership;

/// <summary>
/// A member dies without leaving (its traffic is black-holed, then its system is stopped: in-process, the same as a
/// kill -9 for its peers). The survivors' Directories keep answering, list it unreachable with a phi past the
/// threshold, and nobody downs it (Raft decides, not Akka) until the node host says so; then it is removed and forgotten.
/// </summary>
public sealed class KilledMemberSpec(ITestOutputHelper output) : ThreeMemberSpec(output)
{
    [Fact]
    public async Task Survivors_keep_answering_and_only_an_explicit_down_removes_the_dead_member()
    {
        // 1. three members up
        TestNodes.Form(Systems);
        await AwaitAssertAsync(() => Assert.All(Systems, s => Assert.Equal(3, TestNodes.UpMembers(s).Count())), TestNodes.Generous);
        var victim = Systems[2];
        var victimAddress = AkkaCluster.Get(victim).SelfAddress;
        await AwaitAssertAsync(() => Assert.NotNull(PhiRegistry.For(Systems[0]).PhiOf(victimAddress)), TestNodes.Generous);

        // 2. the victim dies: cut off first (so it cannot say goodbye), then stopped
        await new NetworkFaults(Systems).IsolateAsync(victim);
        await victim.Terminate().WaitAsync(TestNodes.Generous);

        // 3. both survivors see it unreachable, with phi past the threshold
        await AwaitAssertAsync(() =>
        {
            foreach (var directory in Directories.Take(2))
            {
                var dead = Assert.Single(directory.Members(), m => m.NodeId == "n3");
                Assert.Equal(MemberStatuses.Unreachable, dead.Status);
                Assert.True(dead.Phi > 8.0, $"phi {dead.Phi}");
            }
        }, TestNodes.Generous);

        // 4. it stays a member for as long as we look (no automatic downing); the directory answers every time, and
        //    phi only grows (towards +infinity, which the HTTP layer clamps)
        var last = 0.0;
        for (var i = 0; i < 40; i++)
        {
            var members = Directories[0].Members();
            Assert.Equal(3, members.Count);
            var dead = Assert.Single(members, m => m.NodeId == "n3");
            Assert.Equal(MemberStatuses.Unreachable, dead.Status);
            Assert.True(dead.Phi >= last, $"phi went down from {last} to {dead.Phi}");
            last = dead.Phi;
            await Task.Delay(250);
        }
        Assert.Contains(AkkaCluster.Get(Systems[0]).State.Members, m => m.Address.Equals(victimAddress));

        // 5. the node host downs it (after Raft removed it), naming it without a scheme as Raft stores it
        RaftDowning.Down(Systems[0], NodeAddress.Parse(NodeAddress.Format(victimAddress), "akka.tcp"), "meta group removed n3");

        // 6. both survivors drop it: not a member, not in the directory, no phi kept
        await AwaitAssertAsync(() =>
        {
            for (var i = 0; i < 2; i++)
            {
                Assert.DoesNotContain(AkkaCluster.Get(Systems[i]).State.Members, m => m.Address.Equals(victimAddress));
                Assert.Equal(["n1", "n2"], Directories[i].Members().Select(m => m.NodeId!).Order());
                Assert.Null(PhiRegistry.For(Systems[i]).PhiOf(victimAddress));
            }
        }, TestNodes.Generous);
    }
}
