namespace DistSync.Cache.Homes;

/// <summary>
/// The stop message a shard sends its cache homes on hand-off (rebalance, region shutdown, passivation). Local only.
/// Its own message rather than PoisonPill so that a home first recalls every copy it tracks (dirty ones write back):
/// a moved directory is rebuilt conservatively (ARCHITECTURE §5).
/// </summary>
public sealed class CacheHomeHandOff
{
    public static readonly CacheHomeHandOff Instance = new();

    private CacheHomeHandOff()
    {
    }
}
