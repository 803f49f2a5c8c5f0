namespace DistSync.Cache;

/// <summary><c>dsync.cache.write-policy</c>: where a write's value lives once it is answered.</summary>
public enum WritePolicy
{
    /// <summary>Only in the writer's M line until it is evicted, downgraded or recalled; lost if that node dies first.</summary>
    WriteBack = 0,

    /// <summary>Also committed to the replicated KV before the write is answered (a Raft commit per write).</summary>
    WriteThrough = 1,
}
