namespace DistSync.Cache.Tests;

/// <summary>One three-node write-back cache cluster shared by a spec class (each spec uses keys of its own).</summary>
public sealed class ThreeNodeCacheFixture : IAsyncLifetime
{
    public CacheCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await CacheCluster.StartAsync(3);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
