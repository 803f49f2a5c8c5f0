using Akka.Actor;
using DistSync.Cluster;

namespace DistSync.Raft.Hosting;

/// <summary>A founding (or seed) member: its node id and the remoting address of its actor system.</summary>
public sealed record RaftMember(string NodeId, Address RemoteAddress)
{
    /// <summary>Parses <c>nodeId@host:port</c> (the form of <c>dsync.cluster.initial-members</c>) into an address of
    /// <paramref name="protocol"/> (the local system's, e.g. <c>akka.tcp</c>).</summary>
    /// <exception cref="FormatException">the entry is not <c>nodeId@host:port</c></exception>
    public static RaftMember Parse(string entry, string systemName, string protocol = "akka.tcp")
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrEmpty(systemName);
        var text = entry.Trim();
        int at = text.IndexOf('@');
        if (at <= 0 || !NodeAddress.TryParse(systemName + text[at..], protocol, out var address))
            throw new FormatException($"initial member '{entry}' is not nodeId@host:port (e.g. n1@127.0.0.1:4053)");
        return new RaftMember(text[..at], address);
    }

    /// <summary>Parses every entry; duplicate node ids are an error.</summary>
    public static IReadOnlyList<RaftMember> ParseList(IEnumerable<string> entries, string systemName, string protocol = "akka.tcp")
    {
        ArgumentNullException.ThrowIfNull(entries);
        var list = new List<RaftMember>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var member = Parse(entry, systemName, protocol);
            if (!seen.Add(member.NodeId)) throw new FormatException($"initial members name node '{member.NodeId}' twice");
            list.Add(member);
        }
        return list;
    }
}
