using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Akka.Actor;

namespace DistSync.Cluster;

/// <summary>
/// Node addresses as DistSync stores and exchanges them: <c>system@host:port</c>, without a scheme. The protocol is a
/// property of the reading system, not of the address: production runs <c>akka.tcp</c>, fault tests
/// <c>akka.trttl.gremlin.tcp</c>, and old Raft logs hold <c>dsync://...</c>; an address with a foreign scheme would
/// send to dead letters. So format without one, and parse with or without one into the local system's protocol.
/// </summary>
public static class NodeAddress
{
    /// <summary><c>system@host:port</c>.</summary>
    public static string Format(Address address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Host is null || address.Port is null)
            throw new ArgumentException($"'{address}' is a local address; only remote addresses have a host and port", nameof(address));
        return string.Create(CultureInfo.InvariantCulture, $"{address.System}@{address.Host}:{address.Port}");
    }

    /// <summary>The protocol of <paramref name="system"/>'s remoting (<c>akka.tcp</c>, or with the fault adapters
    /// <c>akka.trttl.gremlin.tcp</c>).</summary>
    public static string ProtocolOf(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return ((ExtendedActorSystem)system).Provider.DefaultAddress.Protocol;
    }

    /// <summary>Parses <c>system@host:port</c> or <c>scheme://system@host:port</c> into an address with
    /// <paramref name="system"/>'s protocol.</summary>
    public static Address Parse(string text, ActorSystem system) => Parse(text, ProtocolOf(system));

    /// <summary>Parses <c>system@host:port</c> or <c>scheme://system@host:port</c>; any scheme given is replaced by
    /// <paramref name="protocol"/>.</summary>
    /// <exception cref="FormatException">not of that shape</exception>
    public static Address Parse(string text, string protocol) =>
        TryParse(text, protocol, out var address) ? address : throw new FormatException($"'{text}' is not a node address (system@host:port)");

    public static bool TryParse(string? text, string protocol, [NotNullWhen(true)] out Address? address)
    {
        ArgumentException.ThrowIfNullOrEmpty(protocol);
        address = null;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var rest = text.Trim();
        var scheme = rest.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) rest = rest[(scheme + 3)..];
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        var colon = rest.LastIndexOf(':');
        if (at <= 0 || colon <= at + 1 || colon == rest.Length - 1) return false;
        var host = rest[(at + 1)..colon];
        // An actor path after the address (a full path was given) is not part of it.
        var portText = rest[(colon + 1)..];
        var slash = portText.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0) portText = portText[..slash];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535) return false;
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        address = new Address(protocol, rest[..at], host, port);
        return true;
    }
}
