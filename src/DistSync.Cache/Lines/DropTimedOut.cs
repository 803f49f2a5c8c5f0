namespace DistSync.Cache.Lines;

/// <summary>Timer message: an evicting line's home did not acknowledge the drop in time; the line stops anyway (the
/// home keeps a superset of the copies, which only costs it a recall answered "not held").</summary>
internal sealed class DropTimedOut
{
    public static readonly DropTimedOut Instance = new();

    private DropTimedOut()
    {
    }
}
