using Akka.Actor;

namespace DistSync.Raft.Hosting;

/// <summary>
/// Node addresses as the Raft log stores them: <c>system@host:port</c>, without a scheme. The scheme is a transport
/// detail that legitimately differs between runs (<c>akka.tcp</c>, or <c>akka.trttl.gremlin.tcp</c> with the fault
/// adapters) and that the first versions wrote as <c>dsync://</c>; on read any scheme is replaced by the local one.
/// </summary>
internal static class AddressText
{
    /// <summary><c>system@host:port</c> of <paramref name="address"/>.</summary>
    public static string Format(Address address) => $"{address.System}@{address.Host}:{address.Port}";

    /// <summary>Parses <c>system@host:port</c>, with or without any <c>scheme://</c> in front, into an address of
    /// <paramref name="protocol"/>; false when the text is not an address.</summary>
    public static bool TryParse(string text, string protocol, out Address address)
    {
        address = null!;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var rest = text.Trim();
        int scheme = rest.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) rest = rest[(scheme + 3)..];
        int at = rest.IndexOf('@');
        int colon = rest.LastIndexOf(':');
        if (at <= 0 || colon <= at + 1 || colon == rest.Length - 1) return false;
        if (!int.TryParse(rest.AsSpan(colon + 1), out int port) || port is <= 0 or > 65535) return false;
        var host = rest.Substring(at + 1, colon - at - 1);
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        address = new Address(protocol, rest[..at], host, port);
        return true;
    }
}
