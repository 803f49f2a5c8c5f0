using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using DistSync.Cache.Messages;
using DistSync.Cluster.Logging;
using DistSync.Hocon;
using DistSync.Node.Hosting;
using Serilog.Events;

namespace DistSync.Bench;

/// <summary>
/// One DistSync node inside the bench process (<see cref="DistSyncNode.StartAsync"/>), as an application embedding
/// DistSync runs it: the shipped hocon/dsync.conf with the same <c>--set</c> keys the node processes get (node id, a
/// temporary data dir, HTTP port 0, a free remoting port). It first joins the bench cluster through the processes'
/// remoting ports (no initial members: it asks the meta group to add it); when that does not give a working cache
/// within the join timeout it is stopped and started again as its own single-node cluster. Its log (warnings and up)
/// goes to a file in its data dir. <see cref="DisposeAsync"/> stops it and deletes the data dir.
/// </summary>
internal sealed class EmbeddedCacheNode : IAsyncDisposable
{
    private readonly string _dir;
    private StreamWriter? _log;

    private EmbeddedCacheNode(string dir, DistSyncNode node, StreamWriter log, string mode)
    {
        _dir = dir;
        Node = node;
        _log = log;
        Mode = mode;
    }

    public DistSyncNode Node { get; }

    /// <summary>How it runs: joined the bench cluster, or its own single-node cluster (and why).</summary>
    public string Mode { get; }

    /// <summary>
    /// Starts node <paramref name="nodeId"/>, joining through <paramref name="seeds"/> (host:port), and waits until
    /// <paramref name="ready"/> succeeds on it (a first cache write); falls back to a single-node cluster as above.
    /// </summary>
    public static async Task<EmbeddedCacheNode> StartAsync(string root, string dir, string nodeId, IReadOnlyList<string> seeds,
        IReadOnlyList<string> sets, TimeSpan joinTimeout, Func<DistSyncNode, Task> ready)
    {
        string? joinFailure;
        if (seeds.Count > 0)
        {
            var joinDir = Path.Combine(dir, "joined");
            var (node, log) = await StartNodeAsync(root, joinDir, nodeId, seeds, sets);
            joinFailure = await ReadyAsync(node, joinTimeout, ready);
            if (joinFailure is null) return new EmbeddedCacheNode(dir, node, log, $"joined the bench cluster as {nodeId} (seeds {string.Join(",", seeds)})");
            await StopAsync(node, log);
        }
        else
        {
            joinFailure = "no seeds known";
        }

        var (single, singleLog) = await StartNodeAsync(root, Path.Combine(dir, "single"), nodeId, [], sets);
        var failure = await ReadyAsync(single, joinTimeout, ready);
        if (failure is not null)
        {
            await StopAsync(single, singleLog);
            BenchSupport.TryDelete(dir);
            throw new TimeoutException($"the embedded node did not get a working cache, neither joined ({joinFailure}) nor alone ({failure})");
        }
        return new EmbeddedCacheNode(dir, single, singleLog, $"its own single-node cluster (joining the bench cluster did not work: {joinFailure})");
    }

    private static async Task<(DistSyncNode Node, StreamWriter Log)> StartNodeAsync(string root, string dir, string nodeId, IReadOnlyList<string> seeds, IReadOnlyList<string> sets)
    {
        Directory.CreateDirectory(dir);
        var args = new List<string>
        {
            "--set", $"dsync.node.id={nodeId}",
            "--set", $"dsync.node.data-dir={Path.Combine(dir, "data")}",
            "--set", "dsync.http.port=0",
            "--set", $"dsync.remote.port={BenchSupport.FreePorts(1)[0].ToString(CultureInfo.InvariantCulture)}",
            "--set", "dsync.log.level=warning",
        };
        if (seeds.Count > 0) args.AddRange(["--set", $"dsync.cluster.seeds={string.Join(",", seeds)}"]);
        foreach (var s in sets) args.AddRange(["--set", s]);
        var config = DistSyncConfiguration.Build(Path.Combine(root, DistSyncConfiguration.DefaultConfigFile), args.ToArray());
        var log = new StreamWriter(Path.Combine(dir, "node.log")) { AutoFlush = true };
        var logger = DistSyncLogging.CreateLogger(nodeId, LogFormat.Console, LogEventLevel.Warning, TextWriter.Synchronized(log));
        try
        {
            return (await DistSyncNode.StartAsync(config, logger), log);
        }
        catch
        {
            await log.DisposeAsync();
            throw;
        }
    }

    /// <summary>Null once <paramref name="ready"/> succeeded on <paramref name="node"/>; the last failure after <paramref name="timeout"/>.</summary>
    private static async Task<string?> ReadyAsync(DistSyncNode node, TimeSpan timeout, Func<DistSyncNode, Task> ready)
    {
        var started = Stopwatch.GetTimestamp();
        var last = "no attempt";
        while (Stopwatch.GetElapsedTime(started) < timeout)
        {
            if (node.IsTerminated) return "the node's actor system stopped";
            if (node.Meta.Status.Leader is null)
            {
                last = "no meta group leader known to it yet";
                await Task.Delay(200); // joining; there is no event to await here
                continue;
            }
            try
            {
                await ready(node).WaitAsync(TimeSpan.FromSeconds(10));
                return null;
            }
            catch (Exception e) when (e is CacheRequestFailedException or AskTimeoutException or TimeoutException or InvalidDataException)
            {
                last = $"{e.GetType().Name}: {e.Message}";
                await Task.Delay(500);
            }
        }
        return $"not ready within {timeout.TotalSeconds:0} s; last: {last}";
    }

    private static async Task StopAsync(DistSyncNode node, StreamWriter log)
    {
        try
        {
            await node.StopAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            await log.DisposeAsync();
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of its log (on failure).</summary>
    public IEnumerable<string> LogTail(int lines)
    {
        var path = Directory.EnumerateFiles(_dir, "node.log", SearchOption.AllDirectories).LastOrDefault();
        if (path is null) return [];
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        var all = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return all.Skip(Math.Max(0, all.Length - lines));
    }

    public async ValueTask DisposeAsync()
    {
        if (_log is { } log)
        {
            _log = null;
            await StopAsync(Node, log);
        }
        BenchSupport.TryDelete(_dir);
    }
}
