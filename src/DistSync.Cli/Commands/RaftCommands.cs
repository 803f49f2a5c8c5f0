using System.CommandLine;
using DistSync.Client;
using DistSync.Client.Contracts;
using Spectre.Console;

namespace DistSync.Cli.Commands;

/// <summary><c>dsync raft status</c> and <c>dsync raft transfer-leader &lt;node&gt;</c>.</summary>
public static class RaftCommands
{
    public static Command Build(TextWriter output)
    {
        var raft = new Command("raft", "Raft groups: status and leader transfer");
        raft.Subcommands.Add(Status(output));
        raft.Subcommands.Add(TransferLeader(output));
        return raft;
    }

    private static Command Status(TextWriter output)
    {
        var status = new Command("status", "role, term, commit/applied index and, from the leader, each follower's match index " +
                                           "(-o json: this node's GET /raft/status as it answers it)");
        status.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var here = await client.GetRaftStatusAsync(ct).ConfigureAwait(false);
            if (CliOutput.IsJson(parse)) return await CliOutput.ResultAsync(parse, output, here, _ => { }).ConfigureAwait(false);
            // Only the leader knows the followers' progress: ask it when this node is not the leader.
            var fromLeader = await LeaderViewAsync(here, parse, ct).ConfigureAwait(false);
            Write(CliOutput.ConsoleFor(output), here, fromLeader);
            return ExitCodes.Ok;
        });
        return status;
    }

    private static async Task<RaftStatusResponse?> LeaderViewAsync(RaftStatusResponse here, ParseResult parse, CancellationToken ct)
    {
        var group = here.Groups.FirstOrDefault();
        if (group is null || group.Role == "leader" || here.LeaderHttp is not { Length: > 0 } leaderHttp) return null;
        try
        {
            using var leader = DsyncCli.ClientFor(parse, [leaderHttp], TimeSpan.FromSeconds(parse.GetValue(DsyncCli.TimeoutOption)));
            return await leader.GetRaftStatusAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NodeUnreachableException or DistSyncApiException)
        {
            return null; // the table is then left out; the node's own view is still printed
        }
    }

    internal static void Write(IAnsiConsole console, RaftStatusResponse here, RaftStatusResponse? fromLeader)
    {
        foreach (var g in here.Groups)
        {
            console.WriteLine($"node {here.NodeId}, group {g.GroupId}: {g.Role}, term {g.Term}, leader {g.Leader ?? "none"}");
            console.WriteLine($"commit index {g.CommitIndex}, last applied {g.LastApplied}, last index {g.LastIndex}, snapshot at {g.SnapshotIndex}, log from {g.FirstIndex}");
            var leaderGroup = g.Role == "leader" ? g : fromLeader?.Groups.FirstOrDefault(x => x.GroupId == g.GroupId);
            var table = new Table().AddColumns("member", "kind", "match index", "next index", "state", "active");
            foreach (var m in g.Members)
            {
                var f = leaderGroup?.Followers.FirstOrDefault(x => x.NodeId == m.NodeId);
                var isLeader = m.NodeId == g.Leader;
                table.AddRow(
                    Markup.Escape(m.NodeId + (isLeader ? " (leader)" : "")),
                    Markup.Escape(m.Kind),
                    isLeader && leaderGroup is not null ? leaderGroup.LastIndex.ToString(System.Globalization.CultureInfo.InvariantCulture) : f?.MatchIndex.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?",
                    f?.NextIndex.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
                    Markup.Escape(isLeader ? "leader" : f?.State ?? ""),
                    f is null ? "" : f.RecentlyActive ? "yes" : "no");
            }
            console.Write(table);
            if (leaderGroup is null) console.WriteLine("(follower progress unknown: the leader could not be asked)");
        }
    }

    private static Command TransferLeader(TextWriter output)
    {
        var node = new Argument<string>("node") { Description = "node id of the member to become leader" };
        var transfer = new Command("transfer-leader", "asks the leader to hand leadership to the given member") { node };
        transfer.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var accepted = await client.TransferLeaderAsync(parse.GetValue(node)!, ct).ConfigureAwait(false);
            return await CliOutput.ResultAsync(parse, output, accepted, o => o.WriteLineAsync($"leader transfer to {accepted.NodeId} accepted")).ConfigureAwait(false);
        });
        return transfer;
    }
}
