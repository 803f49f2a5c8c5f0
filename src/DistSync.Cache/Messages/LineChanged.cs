namespace DistSync.Cache.Messages;

/// <summary>Local, line to node cache: the line published a new snapshot (its size may have grown): check limits.</summary>
public sealed class LineChanged
{
    public static readonly LineChanged Instance = new();

    private LineChanged()
    {
    }
}
