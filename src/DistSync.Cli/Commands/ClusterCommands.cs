using System.CommandLine;
using System.Globalization;
using DistSync.Client;
using DistSync.Client.Contracts;
using Spectre.Console;

namespace DistSync.Cli.Commands;

/// <summary><c>dsync cluster show|leave|down</c>: the members as the chosen node sees them, and membership changes.</summary>
public static class ClusterCommands
{
    /// <summary>What <c>cluster show -o json</c> prints: the node's <c>/status</c> and its <c>/raft/status</c> (null when that failed).</summary>
    public sealed record ClusterView(StatusResponse Status, RaftStatusResponse? Raft);

    public static Command Build(TextWriter output)
    {
        var cluster = new Command("cluster", "cluster membership");
        var show = new Command("show", "members with address, status, failure-detector phi, Raft role (leader/follower) and kind (voter/learner)");
        show.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var status = await client.GetStatusAsync(ct).ConfigureAwait(false);
            RaftStatusResponse? raft;
            try
            {
                raft = await client.GetRaftStatusAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NodeUnreachableException or DistSyncApiException)
            {
                raft = null; // the kind column then comes from /status alone
            }
            return await CliOutput.ResultAsync(parse, output, new ClusterView(status, raft), console => WriteMembers(console, status, raft)).ConfigureAwait(false);
        });
        cluster.Subcommands.Add(show);

        var leave = new Command("leave", "the node given by --node leaves the cluster (removed from the meta group)");
        leave.SetAction(async (parse, ct) =>
        {
            // Failing over would make whichever node answered leave: this verb names exactly one node.
            if (DsyncCli.EndpointsFor(parse).Count != 1) throw new ArgumentException("cluster leave acts on the node it asks: give one --node, not several endpoints");
            using var client = DsyncCli.ClientFor(parse);
            var accepted = await client.LeaveAsync(ct).ConfigureAwait(false);
            return await CliOutput.ResultAsync(parse, output, accepted, o => o.WriteLineAsync($"{accepted.NodeId} is leaving the cluster")).ConfigureAwait(false);
        });
        cluster.Subcommands.Add(leave);

        var node = new Argument<string>("node") { Description = "node id of the member to remove" };
        var down = new Command("down", "removes another member (e.g. a dead node) from the cluster") { node };
        down.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var accepted = await client.DownAsync(parse.GetValue(node)!, ct).ConfigureAwait(false);
            return await CliOutput.ResultAsync(parse, output, accepted, o => o.WriteLineAsync($"{accepted.NodeId} removed from the cluster")).ConfigureAwait(false);
        });
        cluster.Subcommands.Add(down);
        return cluster;
    }

    /// <summary>
    /// The members table. <c>/status</c>'s per-member <c>raft</c> field mixes a role (leader) with kinds (voter,
    /// learner), so role and kind are shown apart: the kind from the meta group's configuration in
    /// <c>/raft/status</c>, the role from who leads (this node's own role for itself).
    /// </summary>
    internal static void WriteMembers(IAnsiConsole console, StatusResponse status, RaftStatusResponse? raft)
    {
        console.Write(MembersTable(status, raft));
        console.WriteLine($"seen from {status.NodeId} (term {status.Term}, leader {status.Leader ?? "none"})");
    }

    internal static Table MembersTable(StatusResponse status, RaftStatusResponse? raft)
    {
        var meta = raft?.Groups.FirstOrDefault(g => g.GroupId == 0) ?? raft?.Groups.FirstOrDefault();
        var table = new Table().AddColumns("node", "address", "status", "phi", "role", "kind");
        foreach (var m in status.Members)
        {
            var (role, kind) = RoleAndKind(status, meta, m);
            table.AddRow(
                Markup.Escape(m.NodeId ?? "?"),
                Markup.Escape(m.Address),
                m.Status == "up" ? "[green]up[/]" : $"[red]{Markup.Escape(m.Status)}[/]",
                FormatPhi(m.Phi),
                Markup.Escape(role),
                Markup.Escape(kind));
        }
        return table;
    }

    /// <summary>
    /// A member's Raft role (leader, follower; this node's own role for itself) and kind (voter, learner; "?" when
    /// unknown), both "" for a node outside the meta group.
    /// </summary>
    internal static (string Role, string Kind) RoleAndKind(StatusResponse status, RaftGroupDetail? meta, MemberStatus m)
    {
        // A node that sends role and kind per member (/status since issue 15) is taken at its word.
        if (m.Role is { } sentRole && m.Kind is { } sentKind) return (sentRole, sentKind);
        var kind = meta?.Members.FirstOrDefault(x => x.NodeId == m.NodeId)?.Kind ?? (m.Raft is "voter" or "learner" ? m.Raft : null);
        if (m.NodeId is null || (kind is null && m.Raft is null)) return ("", "");
        var role = m.NodeId == status.NodeId ? status.Role : m.NodeId == status.Leader ? "leader" : "follower";
        return (role, kind ?? "?");
    }

    /// <summary>Phi with two decimals; the largest double (the API's stand-in for infinity) as <c>inf</c>.</summary>
    public static string FormatPhi(double phi) => phi >= double.MaxValue ? "inf" : phi.ToString("0.00", CultureInfo.InvariantCulture);

    internal static IAnsiConsole ConsoleFor(TextWriter output) => CliOutput.ConsoleFor(output);
}
