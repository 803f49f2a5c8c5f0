namespace DistSync.Cache.Messages;

/// <summary>Local, node cache to line: give the copy up (LRU). An M line writes back first.</summary>
public sealed class EvictLine
{
    public static readonly EvictLine Instance = new();

    private EvictLine()
    {
    }
}
