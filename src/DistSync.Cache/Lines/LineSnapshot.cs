namespace DistSync.Cache.Lines;

/// <summary>What a line holds at one moment, published whole by its actor so that a read hit needs no message.</summary>
public sealed record LineSnapshot(LineState State, string? Value, long Version, int Bytes)
{
    public static readonly LineSnapshot Invalid = new(LineState.Invalid, null, 0, 0);
}
