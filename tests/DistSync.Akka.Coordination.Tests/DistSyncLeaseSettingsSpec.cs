using Akka.Configuration;
using Akka.Coordination;

namespace DistSync.Akka.Coordination.Tests;

/// <summary>The lease's settings as read from HOCON: the reference defaults and the refusals.</summary>
public sealed class DistSyncLeaseSettingsSpec
{
    private static DistSyncLeaseSettings Read(string hocon)
    {
        var config = ConfigurationFactory.ParseString(hocon).WithFallback(DistSyncLeaseConfig.Default).GetConfig(DistSyncLeaseConfig.Path);
        return DistSyncLeaseSettings.From(LeaseSettings.Create(config, "orders", "node-1"));
    }

    [Fact]
    public void The_reference_defaults_name_the_lease_class_and_keep_the_interval_below_the_ttl()
    {
        var settings = Read("""dsync-lease.endpoints = ["a:1", "b:2"]""");
        Assert.Equal(["a:1", "b:2"], settings.Endpoints);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.SessionTtl);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.KeepAliveInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.OperationTimeout);
        Assert.Null(settings.TokenFile);
        Assert.Null(settings.CaFile);
        Assert.Equal(typeof(DistSyncLease), Type.GetType(DistSyncLeaseConfig.Default.GetString("dsync-lease.lease-class"), throwOnError: true));
    }

    [Fact]
    public void The_akka_lease_keys_map_to_the_session()
    {
        var settings = Read("""
            dsync-lease {
              endpoints = ["a:1"]
              heartbeat-timeout = 12s
              heartbeat-interval = 2s
              lease-operation-timeout = 3s
              token-file = "/run/token"
              ca-file = "/run/ca.crt"
            }
            """);
        Assert.Equal("orders", settings.LeaseName);
        Assert.Equal("node-1", settings.OwnerName);
        Assert.Equal(TimeSpan.FromSeconds(12), settings.SessionTtl);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.KeepAliveInterval);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.OperationTimeout);
        Assert.Equal("/run/token", settings.TokenFile);
        Assert.Equal("/run/ca.crt", settings.CaFile);
    }

    [Theory]
    [InlineData("dsync-lease.endpoints = []", "endpoints")]
    [InlineData("""dsync-lease { endpoints = ["a:1"], heartbeat-timeout = 500ms, heartbeat-interval = 100ms }""", "heartbeat-timeout")]
    public void Refuses_settings_that_cannot_hold_a_lease(string hocon, string named)
    {
        var e = Assert.Throws<ConfigurationException>(() => Read(hocon));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_an_interval_of_half_the_ttl_or_more_in_settings_built_in_code()
    {
        // LeaseSettings.Create refuses this itself; a LeaseSettings constructed directly does not.
        var config = ConfigurationFactory.ParseString("""endpoints = ["a:1"]""");
        var lease = new LeaseSettings("orders", "node-1", new TimeoutSettings(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(3)), config);
        var e = Assert.Throws<ConfigurationException>(() => DistSyncLeaseSettings.From(lease));
        Assert.Contains("heartbeat-interval", e.Message, StringComparison.Ordinal);
    }
}
