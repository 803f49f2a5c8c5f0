namespace DistSync.Cache;

/// <summary>MESI state of one cache line on one node.</summary>
public enum LineState
{
    /// <summary>No valid copy here: a read asks the home.</summary>
    Invalid = 0,

    /// <summary>Read-only copy, clean (the KV holds the same value); other nodes may hold S copies too.</summary>
    Shared = 1,

    /// <summary>The only copy, clean: a write turns it M without an invalidation round.</summary>
    Exclusive = 2,

    /// <summary>The only copy, possibly dirty (write-back): written back on eviction, downgrade or recall.</summary>
    Modified = 3,
}
