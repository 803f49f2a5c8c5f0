namespace DistSync.Node.Tests.Metrics;

/// <summary>The specs that share one <see cref="ScrapedCluster"/>.</summary>
[CollectionDefinition(Name)]
public sealed class ScrapedClusterCollection : ICollectionFixture<ScrapedCluster>
{
    public const string Name = "scraped cluster";
}
