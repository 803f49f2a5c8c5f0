using DistSync.Actors;

namespace DistSync.TestKit.Tests;

public sealed class ActorTestKitLifecycleSpec
{
    [Fact]
    public void Each_kit_has_its_own_system_and_Dispose_terminates_it()
    {
        ActorSystem first;
        using (var kit = new ActorTestKit())
        {
            first = kit.Sys;
            using var other = new ActorTestKit();
            Assert.NotEqual(first.Name, other.Sys.Name);
        }

        Assert.True(first.WhenTerminated.IsCompletedSuccessfully);
    }
}
