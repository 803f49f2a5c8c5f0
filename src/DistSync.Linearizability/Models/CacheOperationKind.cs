namespace DistSync.Linearizability.Models;

/// <summary>The operations of <see cref="CacheModel"/>.</summary>
public enum CacheOperationKind
{
    Read,
    Write,
    Invalidate,
}
