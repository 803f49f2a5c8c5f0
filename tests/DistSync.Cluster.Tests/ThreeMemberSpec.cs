using Akka.Actor;
using DistSync.Cluster.Membership;
using Xunit.Abstractions;

namespace DistSync.Cluster.Tests;

/// <summary>Base of the specs that run three member systems n1..n3 (not joined yet), each with its member directory,
/// terminated after the test.</summary>
public abstract class ThreeMemberSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit("akka.loglevel = WARNING", output), IAsyncLifetime
{
    protected List<ActorSystem> Systems { get; } = [];

    protected List<MemberDirectory> Directories { get; } = [];

    public Task InitializeAsync()
    {
        foreach (var id in new[] { "n1", "n2", "n3" })
        {
            var system = TestNodes.Start(TestNodes.Settings(id));
            Systems.Add(system);
            Directories.Add(MemberDirectory.Start(system, TestNodes.InfoOf(system, id)));
        }
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => TestNodes.TerminateAll(Systems);
}
