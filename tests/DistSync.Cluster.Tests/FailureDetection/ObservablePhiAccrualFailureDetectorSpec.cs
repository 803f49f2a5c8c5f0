using Akka.Actor;
using Akka.Configuration;
using DistSync.Cluster.FailureDetection;
using Xunit.Abstractions;

namespace DistSync.Cluster.Tests.FailureDetection;

public sealed class ObservablePhiAccrualFailureDetectorSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit("akka.loglevel = WARNING", output)
{
    private static readonly Config DetectorConfig = ConfigurationFactory.ParseString("""
        threshold = 8.0
        max-sample-size = 1000
        min-std-deviation = 100ms
        acceptable-heartbeat-pause = 3s
        heartbeat-interval = 1s
        """);

    [Fact]
    public void It_registers_under_its_address_on_the_first_heartbeat_and_reports_the_mirror_phi()
    {
        var registry = PhiRegistry.For(Sys);
        var address = new Address("akka.tcp", "dsync", "10.1.2.3", 4053);
        var detector = new ObservablePhiAccrualFailureDetector(DetectorConfig, Sys.EventStream) { Address = address.ToString() };
        Assert.Null(registry.PhiOf(address));
        Assert.Equal(0.0, detector.Phi);

        detector.HeartBeat();
        detector.HeartBeat();

        Assert.True(detector.IsAvailable);
        var phi = registry.PhiOf(address);
        Assert.NotNull(phi);
        Assert.InRange(phi.Value, 0.0, 8.0);
        Assert.Contains(address, registry.Addresses);

        Assert.True(registry.Remove(address));
        Assert.Null(registry.PhiOf(address));
    }

    [Fact]
    public async Task Registries_of_two_systems_never_mix()
    {
        var other = ActorSystem.Create("other");
        try
        {
            var address = new Address("akka.tcp", "dsync", "10.1.2.4", 4053);
            new ObservablePhiAccrualFailureDetector(DetectorConfig, other.EventStream) { Address = address.ToString() }.HeartBeat();
            Assert.NotNull(PhiRegistry.For(other).PhiOf(address));
            Assert.Null(PhiRegistry.For(Sys).PhiOf(address));
        }
        finally
        {
            await other.Terminate();
        }
    }
}
