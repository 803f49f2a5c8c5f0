using System.CommandLine;
using DistSync.Cli.Commands;
using DistSync.Client;

namespace DistSync.Cli;

/// <summary>
/// The <c>dsync</c> command tree (pbm-style verbs against one running node). Every command talks to
/// the node named by <c>--node</c> (default <c>$DSYNC_NODE</c> or 127.0.0.1:8080); any node serves every route.
/// </summary>
public static class DsyncCli
{
    public static readonly Option<string> NodeOption = new("--node", "-n")
    {
        Description = "host:port of any DistSync node's HTTP endpoint",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("DSYNC_NODE") ?? "127.0.0.1:8080",
    };

    public static readonly Option<double> TimeoutOption = new("--timeout")
    {
        Description = "seconds to wait for the node's answer",
        Recursive = true,
        DefaultValueFactory = _ => 10.0,
    };

    public static RootCommand Build(TextWriter output)
    {
        var root = new RootCommand("dsync — operate a DistSync cluster (locks, queues, cache, broadcast)");
        root.Options.Add(NodeOption);
        root.Options.Add(TimeoutOption);
        root.Subcommands.Add(ClusterCommands.Build(output));
        root.Subcommands.Add(StatusCommand.Build(output));
        root.Subcommands.Add(RaftCommands.Build(output));
        root.Subcommands.Add(KvCommands.Build(output));
        root.Subcommands.Add(LockCommands.Build(output));
        root.Subcommands.Add(QueueCommands.Build(output));
        root.Subcommands.Add(CacheCommands.Build(output));
        root.Subcommands.Add(BroadcastCommands.Build(output));
        root.Subcommands.Add(ChatCommand.Build(output));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var root = Build(output);
        var parse = root.Parse(args);
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
        }
        catch (NodeUnreachableException e)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (DistSyncApiException e)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return 2;
        }
    }

    /// <summary>A client for the node the parse result names.</summary>
    public static DistSyncClient ClientFor(ParseResult parse) =>
        new(parse.GetValue(NodeOption)!, TimeSpan.FromSeconds(parse.GetValue(TimeoutOption)));
}
