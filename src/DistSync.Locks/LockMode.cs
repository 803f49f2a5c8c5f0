namespace DistSync.Locks;

/// <summary>How a lock is held: shared holders may coexist, an exclusive holder is alone.</summary>
public enum LockMode
{
    Shared,
    Exclusive,
}
