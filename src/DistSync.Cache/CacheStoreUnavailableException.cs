namespace DistSync.Cache;

/// <summary>The backing store could not complete a call (no quorum in time, leadership lost): the outcome of a write
/// is unknown.</summary>
public sealed class CacheStoreUnavailableException : Exception
{
    public CacheStoreUnavailableException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
