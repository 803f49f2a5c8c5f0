using DistSync.Actors.Remote.Serialization;
using DistSync.Actors.Remote.Wire;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace DistSync.Actors.Tests.Remote;

/// <summary>Type ids are written on the wire: they are pinned here so they only ever grow.</summary>
public sealed class MessageTypeRegistrySpec
{
    [Fact]
    public void Control_message_ids_are_pinned()
    {
        var registry = MessageTypeRegistry.CreateWithControlMessages();

        var expected = new (uint Id, System.Type Type)[]
        {
            (1, typeof(Handshake)),
            (2, typeof(HandshakeAck)),
            (3, typeof(Heartbeat)),
            (4, typeof(HeartbeatRsp)),
            (5, typeof(WatchRemote)),
            (6, typeof(UnwatchRemote)),
            (7, typeof(DeathWatchNotification)),
            (8, typeof(StopRemote)),
        };
        var actual = registry.Registrations;
        Assert.Equal(expected.Length, actual.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Id, actual[i].Key);
            Assert.Equal(expected[i].Type, actual[i].Value);
        }
    }

    [Fact]
    public void A_registered_type_maps_both_ways()
    {
        var registry = new MessageTypeRegistry();
        registry.Register(60001, StringValue.Parser);

        Assert.True(registry.TryGetTypeId(typeof(StringValue), out var id));
        Assert.Equal(60001u, id);
        Assert.True(registry.TryGetParser(60001, out var parser));
        Assert.Equal("a", ((StringValue)parser.ParseFrom(new StringValue { Value = "a" }.ToByteArray())).Value);
        Assert.False(registry.TryGetTypeId(typeof(Int64Value), out _));
        Assert.False(registry.TryGetParser(60002, out _));
    }

    [Fact]
    public void Registering_the_same_pair_twice_is_harmless()
    {
        var registry = new MessageTypeRegistry();
        registry.Register(60001, StringValue.Parser);
        registry.Register(60001, StringValue.Parser);

        Assert.Single(registry.Registrations);
    }

    [Fact]
    public void An_id_taken_by_another_type_is_refused()
    {
        var registry = new MessageTypeRegistry();
        registry.Register(60001, StringValue.Parser);

        var error = Assert.Throws<InvalidOperationException>(() => registry.Register(60001, Int64Value.Parser));
        Assert.Contains("60001", error.Message);
    }

    [Fact]
    public void A_type_cannot_have_two_ids()
    {
        var registry = new MessageTypeRegistry();
        registry.Register(60001, StringValue.Parser);

        Assert.Throws<InvalidOperationException>(() => registry.Register(60002, StringValue.Parser));
    }

    [Fact]
    public void Type_id_zero_is_reserved()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessageTypeRegistry().Register(0, StringValue.Parser));
    }
}
