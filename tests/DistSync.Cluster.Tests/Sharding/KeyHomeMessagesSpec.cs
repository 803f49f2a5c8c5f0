using DistSync.Cluster.Serialization;
using DistSync.Cluster.Sharding;
using DistSync.Cluster.Sharding.Wire;

namespace DistSync.Cluster.Tests.Sharding;

public class KeyHomeMessagesSpec
{
    [Fact]
    public void Ids_are_pinned_so_they_only_ever_grow()
    {
        Assert.Equal(1100u, KeyHomeMessageIds.WhereIsHome);
        Assert.Equal(1101u, KeyHomeMessageIds.HomeLocation);
    }

    [Fact]
    public void Registration_maps_each_id_to_its_message_and_back()
    {
        var registry = new MessageTypeRegistry();
        KeyHomeMessageIds.Register(registry);
        KeyHomeMessageIds.Register(registry); // twice is harmless
        Assert.True(registry.TryGetTypeId(typeof(HomeLocation), out var id));
        Assert.Equal(KeyHomeMessageIds.HomeLocation, id);
        Assert.True(registry.TryGetParser(KeyHomeMessageIds.WhereIsHome, out var parser));
        Assert.IsType<WhereIsHome>(parser.ParseFrom([]));
    }

    [Fact]
    public void Shard_of_a_key_is_stable_and_within_range()
    {
        // Pinned: the shard of a key must not change between versions or processes.
        Assert.Equal(KeyHomeMessageExtractor.ShardIdOf("abc"), (0x44BC2CF5AD770999UL % 1024).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var extractor = new KeyHomeMessageExtractor(64);
        for (int i = 0; i < 1_000; i++)
        {
            var message = new WhereIsHome { Key = "k" + i };
            Assert.Equal("k" + i, extractor.EntityId(message));
            Assert.Same(message, extractor.EntityMessage(message));
            Assert.InRange(int.Parse(extractor.ShardId(message)!, System.Globalization.CultureInfo.InvariantCulture), 0, 63);
            Assert.Equal(extractor.ShardId(message), extractor.ShardId("k" + i, message));
        }
        Assert.Null(extractor.EntityId("not a key-home message"));
    }
}
