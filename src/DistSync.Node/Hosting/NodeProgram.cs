using DistSync.Cluster.Logging;
using DistSync.Hocon;

namespace DistSync.Node.Hosting;

/// <summary>
/// The executable: <c>DistSync.Node --config hocon/node1.conf [--set key=value]... [--log-format json]</c>.
/// Exit codes: 0 after a graceful stop, 2 bad configuration, 3 cannot start (port in use, data dir).
/// </summary>
public static class NodeProgram
{
    public static async Task<int> RunAsync(string[] args)
    {
        IConfiguration config;
        Serilog.ILogger logger;
        try
        {
            var expanded = ExpandShortcuts(args);
            // Without --config the default file is used when the process runs from the repository root.
            var file = Array.IndexOf(expanded, "--config") < 0 && File.Exists(DistSyncConfiguration.DefaultConfigFile)
                ? DistSyncConfiguration.DefaultConfigFile
                : null;
            config = DistSyncConfiguration.Build(file, expanded);
            var nodeId = config.GetString("dsync:node:id", "");
            logger = DistSyncLogging.CreateLogger(
                string.IsNullOrWhiteSpace(nodeId) ? "node" : nodeId,
                DistSyncLogging.ParseFormat(config.GetString("dsync:log:format", "console")),
                DistSyncLogging.ParseLevel(config.GetString("dsync:log:level", "information")));
        }
        catch (Exception e) when (e is HoconParseException or FormatException or FileNotFoundException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"DistSync.Node: bad configuration: {e.Message}").ConfigureAwait(false);
            return 2;
        }

        DistSyncNode node;
        try
        {
            // Akka.Logger.Serilog writes through the static logger: one node per process, so it is this node's.
            Serilog.Log.Logger = logger;
            node = await DistSyncNode.StartAsync(config, logger, new NodeStartOptions { StaticSerilog = true }).ConfigureAwait(false);
        }
        catch (FormatException e)
        {
            logger.Fatal("bad configuration: {Reason}", e.Message);
            await Console.Error.WriteLineAsync($"DistSync.Node: bad configuration: {e.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (NodeStartupException e)
        {
            logger.Fatal("cannot start: {Reason}", e.Message);
            await Console.Error.WriteLineAsync($"DistSync.Node: cannot start: {e.Message}").ConfigureAwait(false);
            return 3;
        }

        // WebApplication handles SIGTERM and Ctrl-C: WaitForShutdown returns, then everything stops in order. It also
        // returns when the actor system stopped by itself (Raft removed this node, Akka.Cluster downed it).
        await node.WaitForShutdownAsync().ConfigureAwait(false);
        logger.Information("stopping node {NodeId}", node.Settings.NodeId);
        await node.StopAsync().ConfigureAwait(false);
        (logger as IDisposable)?.Dispose();
        return 0;
    }

    /// <summary><c>--log-format X</c> and <c>--log-level X</c> are shortcuts for <c>--set dsync.log.format=X</c>.</summary>
    public static string[] ExpandShortcuts(string[] args)
    {
        var result = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            var (shortcut, key) = args[i] switch
            {
                "--log-format" => (true, "dsync.log.format"),
                "--log-level" => (true, "dsync.log.level"),
                _ => (false, ""),
            };
            if (shortcut && i + 1 < args.Length)
            {
                result.Add("--set");
                result.Add($"{key}={args[++i]}");
            }
            else
            {
                result.Add(args[i]);
            }
        }
        return result.ToArray();
    }
}
