namespace DistSync.Cache.Messages;

/// <summary>Local, to the node cache (and from it to every line): write every dirty M value back to the KV now; the
/// lines stay M, clean. A graceful node stop sends it, so a restart loses no completed write-back write. Answered
/// <see cref="Flushed"/>.</summary>
public sealed class FlushDirty
{
    public static readonly FlushDirty Instance = new();

    private FlushDirty()
    {
    }
}
