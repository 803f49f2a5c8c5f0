using Microsoft.Extensions.Configuration;

namespace DistSync.Hocon;

/// <summary>
/// Loads a <see cref="HoconConfigurationSource"/> into configuration keys: HOCON path <c>dsync.node.http-port</c>
/// becomes key <c>dsync:node:http-port</c>, array elements <c>key:0</c>, <c>key:1</c>; values stay as written.
/// </summary>
public sealed class HoconConfigurationProvider : ConfigurationProvider
{
    private readonly HoconConfigurationSource source;

    public HoconConfigurationProvider(HoconConfigurationSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        this.source = source;
    }

    public override void Load()
    {
        var loader = new HoconLoader(source.Environment);
        if (source.Path is not null)
        {
            loader.AddFile(source.Path, source.Optional);
        }

        if (source.Text is not null)
        {
            loader.AddString(source.Text);
        }

        foreach (var item in source.Overrides)
        {
            loader.AddValue(item.Path, item.Value, item.Source);
        }

        Data = loader.Resolve().ToConfigurationData();
    }
}
