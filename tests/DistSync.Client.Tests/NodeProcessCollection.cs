namespace DistSync.Client.Tests;

/// <summary>The specs that start three node processes each run one at a time: several clusters at once would starve a small CI machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NodeProcessCollection
{
    public const string Name = "node processes";
}
