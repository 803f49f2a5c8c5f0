using Akka.Actor;

namespace DistSync.Cluster.Tests;

public sealed class NodeAddressSpec
{
    [Fact]
    public void An_address_is_formatted_without_its_scheme()
    {
        Assert.Equal("dsync@127.0.0.1:4053", NodeAddress.Format(new Address("akka.trttl.gremlin.tcp", "dsync", "127.0.0.1", 4053)));
    }

    [Theory]
    [InlineData("dsync@10.0.0.5:4053")]
    [InlineData("akka.tcp://dsync@10.0.0.5:4053")]
    [InlineData("dsync://dsync@10.0.0.5:4053")]
    [InlineData("akka.trttl.gremlin.tcp://dsync@10.0.0.5:4053/system/raft")]
    public void Any_scheme_is_replaced_by_the_local_protocol(string text)
    {
        var address = NodeAddress.Parse(text, "akka.tcp");
        Assert.Equal(new Address("akka.tcp", "dsync", "10.0.0.5", 4053), address);
        Assert.Equal("dsync@10.0.0.5:4053", NodeAddress.Format(address));
    }

    [Theory]
    [InlineData("")]
    [InlineData("10.0.0.5:4053")]
    [InlineData("dsync@10.0.0.5")]
    [InlineData("dsync@10.0.0.5:0")]
    [InlineData("dsync@10.0.0.5:x")]
    [InlineData("@10.0.0.5:4053")]
    public void Malformed_addresses_are_refused(string text)
    {
        Assert.False(NodeAddress.TryParse(text, "akka.tcp", out _));
        Assert.Throws<FormatException>(() => NodeAddress.Parse(text, "akka.tcp"));
    }

    [Fact]
    public void A_local_address_has_no_node_form()
    {
        Assert.Throws<ArgumentException>(() => NodeAddress.Format(new Address("akka", "dsync")));
    }
}
