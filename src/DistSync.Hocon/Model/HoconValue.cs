namespace DistSync.Hocon;

/// <summary>
/// A node of a HOCON document. After <see cref="HoconLoader.Resolve"/> a tree holds only
/// <see cref="HoconObject"/>, <see cref="HoconArray"/> and <see cref="HoconScalar"/>; the parser also builds
/// internal nodes (substitutions, concatenations) that resolution replaces.
/// </summary>
public abstract class HoconValue
{
    private protected HoconValue(HoconOrigin origin)
    {
        Origin = origin;
    }

    public HoconOrigin Origin { get; }

    /// <summary>True for nodes that still need substitution resolution before their type is known.</summary>
    internal virtual bool IsUnresolved => false;
}
