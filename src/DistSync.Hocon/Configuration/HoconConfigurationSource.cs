using System.Collections;
using Microsoft.Extensions.Configuration;

namespace DistSync.Hocon;

/// <summary>
/// A HOCON file or text as a <see cref="IConfigurationSource"/>. Overrides are applied inside the HOCON document
/// (as if written at its end) before substitutions resolve, so <c>${dsync.http.host}</c> elsewhere sees an
/// overridden host and an override can replace a whole list.
/// </summary>
public sealed class HoconConfigurationSource : IConfigurationSource
{
    /// <summary>File to read (relative to the current directory); null when <see cref="Text"/> is used.</summary>
    public string? Path { get; init; }

    /// <summary>HOCON text to parse; read after <see cref="Path"/> when both are set.</summary>
    public string? Text { get; init; }

    /// <summary>When true a missing <see cref="Path"/> yields an empty configuration instead of an error.</summary>
    public bool Optional { get; init; }

    /// <summary>Variables for <c>${?NAME}</c>; null means the process environment.</summary>
    public IDictionary? Environment { get; init; }

    /// <summary>(path, value, where-it-came-from) applied in order after the file; see <see cref="HoconLoader.AddValue"/>.</summary>
    public IReadOnlyList<HoconOverride> Overrides { get; init; } = [];

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new HoconConfigurationProvider(this);
}
