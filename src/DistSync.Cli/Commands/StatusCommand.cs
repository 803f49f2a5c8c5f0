using System.CommandLine;
using Spectre.Console;

namespace DistSync.Cli.Commands;

/// <summary><c>dsync status</c>: one node's own view: role, term, leader, indexes.</summary>
public static class StatusCommand
{
    public static Command Build(TextWriter output)
    {
        var status = new Command("status", "the node's role, term, leader and commit/applied index");
        status.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var s = await client.GetStatusAsync(ct).ConfigureAwait(false);
            var console = ClusterCommands.ConsoleFor(output);
            console.WriteLine($"node:         {s.NodeId}");
            console.WriteLine($"role:         {s.Role}");
            console.WriteLine($"term:         {s.Term}");
            console.WriteLine($"leader:       {s.Leader ?? "none"}");
            console.WriteLine($"commit index: {s.CommitIndex}");
            console.WriteLine($"last applied: {s.LastApplied}");
            console.WriteLine($"members:      {s.Members.Count(m => m.Status == "up")} up of {s.Members.Count}");
            return 0;
        });
        return status;
    }
}
