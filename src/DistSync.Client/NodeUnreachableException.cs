namespace DistSync.Client;

/// <summary>No HTTP answer from the node at all (refused, reset, timed out): the node is down or unreachable.</summary>
public sealed class NodeUnreachableException(string node, Exception inner)
    : Exception($"cannot reach DistSync node at {node}: {inner.Message}", inner)
{
    public string Node { get; } = node;
}
