namespace DistSync.Linearizability.Models;

/// <summary>The state of one key in <see cref="CacheModel"/>: its value, or absent (never written, or invalidated).</summary>
public readonly record struct CacheKeyState(bool Exists, string? Value)
{
    public static CacheKeyState Absent { get; } = new(false, null);

    public static CacheKeyState Holding(string value) => new(true, value);

    public override string ToString() => Exists ? $"\"{Value}\"" : "absent";
}
