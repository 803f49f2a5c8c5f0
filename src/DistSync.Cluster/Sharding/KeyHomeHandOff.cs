namespace DistSync.Cluster.Sharding;

/// <summary>
/// The stop message a shard sends its key homes on hand-off (rebalance, region shutdown). Local only, never on the
/// wire. Its own message rather than PoisonPill so that the cache directory can invalidate its sharers before it
/// stops (ARCHITECTURE §5: a moved directory is rebuilt conservatively).
/// </summary>
public sealed class KeyHomeHandOff
{
    public static readonly KeyHomeHandOff Instance = new();

    private KeyHomeHandOff()
    {
    }
}
