using DistSync.Node.Hosting;
using Microsoft.Extensions.Configuration;

namespace DistSync.Node.Tests;

public class NodeSettingsSpec
{
    private static IConfiguration Config(params (string Key, string Value)[] pairs) =>
        new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))).Build();

    [Fact]
    public void Reads_ports_seeds_and_durations_with_defaults()
    {
        var s = NodeSettings.From(Config(
            ("dsync:node:id", "n2"),
            ("dsync:http:port", "8081"),
            ("dsync:remote:port", "4054"),
            ("dsync:cluster:seeds:0", "127.0.0.1:4053"),
            ("dsync:cluster:seeds:1", "127.0.0.1:4055"),
            ("dsync:http:request-timeout", "2s"),
            ("dsync:testing:fault-injection", "on")));

        Assert.Equal("n2", s.NodeId);
        Assert.Equal(8081, s.HttpPort);
        Assert.Equal(4054, s.RemotePort);
        Assert.Equal(["127.0.0.1:4053", "127.0.0.1:4055"], s.Seeds);
        Assert.Equal(TimeSpan.FromSeconds(2), s.RequestTimeout);
        Assert.True(s.FaultInjection);
        Assert.Equal(Path.Combine("data", "n2"), s.DataDir);
    }

    [Fact]
    public void Seeds_may_be_one_comma_separated_value()
    {
        var s = NodeSettings.From(Config(("dsync:node:id", "n1"), ("dsync:cluster:seeds", "127.0.0.1:4054, 127.0.0.1:4055")));
        Assert.Equal(["127.0.0.1:4054", "127.0.0.1:4055"], s.Seeds);
    }

    [Theory]
    [InlineData("dsync:http:port", "http", "dsync.http.port")]
    [InlineData("dsync:http:port", "70000", "dsync.http.port")]
    [InlineData("dsync:cluster:seeds", "nohostport", "dsync.cluster.seeds")]
    [InlineData("dsync:http:request-timeout", "soon", "dsync.http.request-timeout")]
    public void A_bad_value_fails_naming_the_key(string key, string value, string named)
    {
        var e = Assert.Throws<FormatException>(() => NodeSettings.From(Config(("dsync:node:id", "n1"), (key, value))));
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void The_node_id_is_required()
    {
        var e = Assert.Throws<FormatException>(() => NodeSettings.From(Config()));
        Assert.Contains("dsync.node.id", e.Message);
    }

    [Fact]
    public void Initial_members_and_kv_limits_are_read()
    {
        var s = NodeSettings.From(Config(
            ("dsync:node:id", "n1"),
            ("dsync:cluster:initial-members", "n1@127.0.0.1:4053, n2@127.0.0.1:4054"),
            ("dsync:kv:max-key-size", "64"),
            ("dsync:kv:max-value-size", "1KiB")));

        Assert.Equal(["n1", "n2"], s.InitialMembers.Select(m => m.NodeId).ToArray());
        Assert.Equal(4054, s.InitialMembers[1].RemoteAddress.Port);
        Assert.Equal(64, s.KvLimits.MaxKeyBytes);
        Assert.Equal(1024, s.KvLimits.MaxValueBytes);
    }

    [Theory]
    [InlineData("dsync:cluster:initial-members", "n1-at-nowhere", "dsync.cluster.initial-members")]
    [InlineData("dsync:cluster:initial-members", "n1@127.0.0.1:1, n1@127.0.0.1:2", "dsync.cluster.initial-members")]
    [InlineData("dsync:kv:max-key-size", "0", "dsync.kv.max-key-size")]
    [InlineData("dsync:kv:session-timeout", "0s", "dsync.kv.session-timeout")]
    public void A_bad_cluster_or_kv_value_fails_naming_the_key(string key, string value, string named)
    {
        var e = Assert.Throws<FormatException>(() => NodeSettings.From(Config(("dsync:node:id", "n1"), (key, value))));
        Assert.Contains(named, e.Message);
    }
}
