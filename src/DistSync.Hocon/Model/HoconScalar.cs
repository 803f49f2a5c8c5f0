namespace DistSync.Hocon;

/// <summary>
/// A string, number, boolean or null exactly as written (after unquoting): <c>200ms</c>, <c>on</c>, <c>8080</c>.
/// HOCON does not type values until they are read; the typed getters in <see cref="ConfigurationExtensions"/> do that.
/// </summary>
public sealed class HoconScalar : HoconValue
{
    public HoconScalar(string? text, HoconOrigin origin)
        : base(origin)
    {
        Text = text;
    }

    /// <summary>The text of the value; null for HOCON <c>null</c>.</summary>
    public string? Text { get; }

    public bool IsNull => Text is null;

    public override string ToString() => Text ?? "null";
}
