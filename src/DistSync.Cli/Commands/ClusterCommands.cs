using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace DistSync.Cli.Commands;

/// <summary><c>dsync cluster show|leave|down</c>: the members as the chosen node sees them, and membership changes.</summary>
public static class ClusterCommands
{
    public static Command Build(TextWriter output)
    {
        var cluster = new Command("cluster", "cluster membership");
        var show = new Command("show", "members with address, status and failure-detector phi");
        show.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var status = await client.GetStatusAsync(ct).ConfigureAwait(false);
            var console = ConsoleFor(output);
            var table = new Table().AddColumns("node", "address", "status", "phi", "raft");
            foreach (var m in status.Members)
            {
                var role = m.NodeId is null ? "" : m.NodeId == status.NodeId ? status.Role : m.Raft ?? "";
                table.AddRow(
                    Markup.Escape(m.NodeId ?? "?"),
                    Markup.Escape(m.Address),
                    m.Status == "up" ? "[green]up[/]" : $"[red]{Markup.Escape(m.Status)}[/]",
                    m.Phi.ToString("0.00", CultureInfo.InvariantCulture),
                    Markup.Escape(role));
            }
            console.Write(table);
            console.WriteLine($"seen from {status.NodeId} (term {status.Term}, leader {status.Leader ?? "none"})");
            return 0;
        });
        cluster.Subcommands.Add(show);

        var leave = new Command("leave", "the node given by --node leaves the cluster (removed from the meta group)");
        leave.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var accepted = await client.LeaveAsync(ct).ConfigureAwait(false);
            await output.WriteLineAsync($"{accepted.NodeId} is leaving the cluster").ConfigureAwait(false);
            return 0;
        });
        cluster.Subcommands.Add(leave);

        var node = new Argument<string>("node") { Description = "node id of the member to remove" };
        var down = new Command("down", "removes another member (e.g. a dead node) from the cluster") { node };
        down.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var accepted = await client.DownAsync(parse.GetValue(node)!, ct).ConfigureAwait(false);
            await output.WriteLineAsync($"{accepted.NodeId} removed from the cluster").ConfigureAwait(false);
            return 0;
        });
        cluster.Subcommands.Add(down);
        return cluster;
    }

    /// <summary>Spectre console writing to the given writer (tests capture it; no colours when redirected).</summary>
    internal static IAnsiConsole ConsoleFor(TextWriter output) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(output),
        Ansi = output == Console.Out && !Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = output == Console.Out && !Console.IsOutputRedirected ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        Interactive = InteractionSupport.No,
    });
}
