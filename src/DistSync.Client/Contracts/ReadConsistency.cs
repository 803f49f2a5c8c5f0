namespace DistSync.Client.Contracts;

/// <summary>How a key-value read is served: through the leader's read index (default) or from the node's own replica.</summary>
public enum ReadConsistency
{
    /// <summary>Sees every write acknowledged before the read started (ReadIndex).</summary>
    Linearizable,

    /// <summary>The contacted node's replica as it is: fast, possibly stale.</summary>
    Local,
}
