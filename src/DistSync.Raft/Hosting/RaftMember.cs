using DistSync.Actors;

namespace DistSync.Raft.Hosting;

/// <summary>A founding (or seed) member: its node id and the remoting address of its actor system.</summary>
public sealed record RaftMember(string NodeId, Address RemoteAddress)
{
    /// <summary>Parses <c>nodeId@host:port</c> (the form of <c>dsync.cluster.initial-members</c>).</summary>
    /// <exception cref="FormatException">the entry is not <c>nodeId@host:port</c></exception>
    public static RaftMember Parse(string entry, string systemName)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrEmpty(systemName);
        var text = entry.Trim();
        int at = text.IndexOf('@');
        int colon = text.LastIndexOf(':');
        if (at <= 0 || colon <= at + 1 || colon == text.Length - 1
            || !int.TryParse(text.AsSpan(colon + 1), out int port) || port is <= 0 or > 65535)
        {
            throw new FormatException($"initial member '{entry}' is not nodeId@host:port (e.g. n1@127.0.0.1:4053)");
        }
        var host = text.Substring(at + 1, colon - at - 1);
        return new RaftMember(text[..at], new Address(Address.DefaultProtocol, systemName, host, port));
    }

    /// <summary>Parses every entry; duplicate node ids are an error.</summary>
    public static IReadOnlyList<RaftMember> ParseList(IEnumerable<string> entries, string systemName)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var list = new List<RaftMember>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var member = Parse(entry, systemName);
            if (!seen.Add(member.NodeId)) throw new FormatException($"initial members name node '{member.NodeId}' twice");
            list.Add(member);
        }
        return list;
    }
}
