namespace DistSync.Actors;

/// <summary>
/// Where an actor system lives: <c>dsync://name</c> for a purely local system,
/// <c>dsync://name@host:port</c> once remoting has bound a port.
/// </summary>
public sealed record Address(string Protocol, string System, string? Host = null, int? Port = null)
{
    public const string DefaultProtocol = "dsync";

    public bool HasLocalScope => Host is null;

    public override string ToString() =>
        Host is null ? $"{Protocol}://{System}" : $"{Protocol}://{System}@{Host}:{Port}";

    /// <summary>Parses <c>dsync://sys</c> or <c>dsync://sys@host:port</c>.</summary>
    public static Address Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            throw new FormatException($"'{text}' is not an actor address: expected 'dsync://system' or 'dsync://system@host:port'.");
        }

        var protocol = text[..schemeEnd];
        var rest = text[(schemeEnd + 3)..];
        var at = rest.IndexOf('@');
        if (at < 0)
        {
            if (rest.Length == 0)
            {
                throw new FormatException($"'{text}' has no system name.");
            }

            return new Address(protocol, rest);
        }

        var system = rest[..at];
        var hostPort = rest[(at + 1)..];
        var colon = hostPort.LastIndexOf(':');
        if (system.Length == 0 || colon <= 0 || !int.TryParse(hostPort[(colon + 1)..], out var port) || port < 0 || port > 65535)
        {
            throw new FormatException($"'{text}' is not an actor address: expected 'dsync://system@host:port'.");
        }

        return new Address(protocol, system, hostPort[..colon], port);
    }
}
