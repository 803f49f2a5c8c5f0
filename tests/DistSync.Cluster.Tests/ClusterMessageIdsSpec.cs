using DistSync.Cluster.Serialization;
using DistSync.Cluster.Wire;

namespace DistSync.Cluster.Tests;

public class ClusterMessageIdsSpec
{
    [Fact]
    public void Ids_are_pinned_so_they_only_ever_grow()
    {
        Assert.Equal(1000u, ClusterMessageIds.GetNodeInfo);
        Assert.Equal(1001u, ClusterMessageIds.NodeInfo);
    }

    [Fact]
    public void Registration_maps_each_id_to_its_message_and_back()
    {
        var registry = new MessageTypeRegistry();

        ClusterMessageIds.Register(registry);

        Assert.True(registry.TryGetTypeId(typeof(NodeInfo), out var id));
        Assert.Equal(ClusterMessageIds.NodeInfo, id);
        Assert.True(registry.TryGetParser(ClusterMessageIds.GetNodeInfo, out var parser));
        Assert.IsType<GetNodeInfo>(parser.ParseFrom([]));
    }

    [Fact]
    public void Registering_twice_is_harmless()
    {
        var registry = new MessageTypeRegistry();
        ClusterMessageIds.Register(registry);
        ClusterMessageIds.Register(registry);
        Assert.True(registry.TryGetTypeId(typeof(GetNodeInfo), out _));
    }
}
