namespace DistSync.Client;

/// <summary>How a lock is asked for: shared holders may coexist, an exclusive holder is alone.</summary>
public enum LockAccess
{
    Exclusive,
    Shared,
}
