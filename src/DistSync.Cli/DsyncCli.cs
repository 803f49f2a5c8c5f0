using System.CommandLine;
using System.CommandLine.Help;
using DistSync.Cli.Commands;
using DistSync.Client;

namespace DistSync.Cli;

/// <summary>
/// The <c>dsync</c> command tree (pbm-style verbs). Every command talks to the nodes named by <c>--endpoints</c> or
/// <c>--node</c> (default <c>$DSYNC_ENDPOINTS</c>, then <c>$DSYNC_NODE</c>, then 127.0.0.1:8080); any node serves
/// every route, and with several the next one is tried when one is down or answers 503.
/// </summary>
public static class DsyncCli
{
    public const string DefaultNode = "127.0.0.1:8080";

    public static readonly Option<string?> NodeOption = new("--node", "-n")
    {
        Description = $"host:port of one DistSync node's HTTP endpoint (default $DSYNC_NODE, else {DefaultNode})",
        Recursive = true,
    };

    public static readonly Option<string?> EndpointsOption = new("--endpoints")
    {
        Description = "comma-separated host:port of several nodes; a node that is down (refused, timed out) or answers 503 " +
                      "is skipped for the next (default $DSYNC_ENDPOINTS)",
        Recursive = true,
    };

    public static readonly Option<string?> TokenOption = new("--token")
    {
        Description = "bearer token for nodes with security on (default $DSYNC_TOKEN; make one with 'dsync token issue')",
        Recursive = true,
    };

    public static readonly Option<string?> CaOption = new("--ca")
    {
        Description = "the cluster CA certificate (ca.crt) for nodes serving HTTPS: the nodes are called over https and trusted only " +
                      "if that CA signed their certificate (default $DSYNC_CA)",
        Recursive = true,
    };

    public static readonly Option<double> TimeoutOption = CliOptions.Seconds("--timeout", "seconds to wait for each node's answer", 10.0);

    public static readonly Option<string> OutputOption = CreateOutputOption();

    private static Option<string> CreateOutputOption()
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = "text (for people) or json (the result object as one line of JSON; streams print one object per line)",
            Recursive = true,
            DefaultValueFactory = _ => "text",
        };
        option.AcceptOnlyFromAmong("text", "json");
        return option;
    }

    public static RootCommand Build(TextWriter output)
    {
        var root = new RootCommand("dsync — operate a DistSync cluster: sessions, locks, queues, cache, key-value, elections, broadcast, cluster and Raft. " +
                                   "Exit codes: see the end of this help or 'dsync help exit-codes'.");
        root.Options.Add(NodeOption);
        root.Options.Add(EndpointsOption);
        root.Options.Add(TokenOption);
        root.Options.Add(CaOption);
        root.Options.Add(TimeoutOption);
        root.Options.Add(OutputOption);
        root.Subcommands.Add(ClusterCommands.Build(output));
        root.Subcommands.Add(StatusCommand.Build(output));
        root.Subcommands.Add(StatusCommand.Health(output));
        root.Subcommands.Add(RaftCommands.Build(output));
        root.Subcommands.Add(SessionCommands.Build(output));
        root.Subcommands.Add(KvCommands.Build(output));
        root.Subcommands.Add(ElectCommand.Build(output));
        root.Subcommands.Add(LockCommands.Build(output));
        root.Subcommands.Add(QueueCommands.Build(output));
        root.Subcommands.Add(CacheCommands.Build(output));
        root.Subcommands.Add(BroadcastCommands.Build(output));
        root.Subcommands.Add(ChatCommand.Build(output));
        root.Subcommands.Add(TopCommand.Build(output));
        root.Subcommands.Add(TokenCommands.Build(output));
        root.Subcommands.Add(CertsCommands.Build(output));
        root.Subcommands.Add(DataKeyCommands.Build(output));
        root.Subcommands.Add(CompletionCommand.Build(output));
        root.Subcommands.Add(HelpCommand.Build(output));
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new ExitCodesHelpAction((HelpAction)help.Action!);
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var root = Build(output);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction and not ExitCodesHelpAction)
        {
            foreach (var e in parse.Errors) await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            await error.WriteLineAsync($"(see '{string.Join(' ', CommandPath(parse))} --help')").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
        }
        catch (Exception e) when (ExitCodes.For(e) is { } code)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return code;
        }
    }

    /// <summary>The nodes the parse result names, in order: <c>--endpoints</c>, <c>--node</c>, <c>$DSYNC_ENDPOINTS</c>, <c>$DSYNC_NODE</c>.</summary>
    public static IReadOnlyList<string> EndpointsFor(ParseResult parse)
    {
        var endpoints = parse.GetValue(EndpointsOption);
        var node = parse.GetValue(NodeOption);
        if (endpoints is not null && node is not null) throw new ArgumentException("give --node or --endpoints, not both");
        if (endpoints is not null) return Split(endpoints, "--endpoints");
        if (node is not null) return [node];
        if (Environment.GetEnvironmentVariable("DSYNC_ENDPOINTS") is { Length: > 0 } fromEnv) return Split(fromEnv, "DSYNC_ENDPOINTS");
        return [Environment.GetEnvironmentVariable("DSYNC_NODE") is { Length: > 0 } one ? one : DefaultNode];
    }

    /// <summary>A client for the nodes the parse result names; <paramref name="longerBy"/> extends each request's deadline (a lock wait).</summary>
    public static DistSyncClient ClientFor(ParseResult parse, TimeSpan longerBy = default) =>
        ClientFor(parse, EndpointsFor(parse), TimeSpan.FromSeconds(parse.GetValue(TimeoutOption)) + longerBy);

    /// <summary>A client for <paramref name="endpoints"/> with the parse result's token and, with <c>--ca</c>, HTTPS
    /// trusting only that CA (a <c>host:port</c> is then called as <c>https://host:port</c>).</summary>
    public static DistSyncClient ClientFor(ParseResult parse, IEnumerable<string> endpoints, TimeSpan timeout)
    {
        var token = TokenFor(parse);
        if (CaFor(parse) is not { } ca) return new DistSyncClient(endpoints, timeout) { AccessToken = token };
        var https = endpoints.Select(e => e.Contains("://", StringComparison.Ordinal) ? e : "https://" + e).ToList();
        return new DistSyncClient(https, ClusterHttps.Handler(ca), timeout) { AccessToken = token };
    }

    /// <summary>The CA file: <c>--ca</c>, else <c>$DSYNC_CA</c>, else none (plain HTTP).</summary>
    public static string? CaFor(ParseResult parse) =>
        parse.GetValue(CaOption) ?? (Environment.GetEnvironmentVariable("DSYNC_CA") is { Length: > 0 } env ? env : null);

    /// <summary>The bearer token: <c>--token</c>, else <c>$DSYNC_TOKEN</c>, else none. A value starting with '@' names a file holding it.</summary>
    public static string? TokenFor(ParseResult parse)
    {
        var token = parse.GetValue(TokenOption) ?? Environment.GetEnvironmentVariable("DSYNC_TOKEN");
        if (string.IsNullOrWhiteSpace(token)) return null;
        if (!token.StartsWith('@')) return token.Trim();
        try
        {
            return File.ReadAllText(token[1..]).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"--token {token}: {e.Message}", e);
        }
    }

    private static string[] Split(string list, string from)
    {
        var parts = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return parts.Length > 0 ? parts : throw new ArgumentException($"{from}: no address given");
    }

    private static IEnumerable<string> CommandPath(ParseResult parse)
    {
        var names = new Stack<string>();
        for (var c = parse.CommandResult; c is not null; c = c.Parent as System.CommandLine.Parsing.CommandResult)
            names.Push(c.Command is RootCommand ? "dsync" : c.Command.Name);
        return names;
    }
}
