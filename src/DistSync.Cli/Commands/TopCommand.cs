using System.CommandLine;
using System.Globalization;
using DistSync.Client;
using DistSync.Client.Contracts;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace DistSync.Cli.Commands;

/// <summary>
/// <c>dsync top</c>: a live view of the cluster as one node sees it: members (status, phi, role, kind), the leader and
/// term, locks held and awaited, queue backlogs, that node's cache hit rate and the broadcast topics; redrawn every
/// second until Ctrl-C or <c>q</c>. <c>--once</c> prints one frame and exits.
/// </summary>
public static class TopCommand
{
    /// <summary>One frame's data (<c>top --once -o json</c> prints it); <see cref="Problems"/> names the parts that could not be read.</summary>
    public sealed record TopFrame(
        StatusResponse Status,
        RaftStatusResponse? Raft,
        IReadOnlyList<LockStatusResponse>? Locks,
        IReadOnlyList<QueueSummary>? Queues,
        CacheStatsResponse? Cache,
        IReadOnlyList<BroadcastTopicInfo>? Topics,
        IReadOnlyList<string> Problems);

    public static Command Build(TextWriter output)
    {
        var once = new Option<bool>("--once") { Description = "print one frame and exit (for scripts and tests)" };
        var interval = CliOptions.Duration("--interval", "time between frames", "1s");
        var top = new Command("top", "a live view: members with status/phi/role/kind, leader and term, locks held/waiting, queue backlog, " +
                                     "cache hit rate (of the node asked), broadcast topics; refreshes until Ctrl-C or q") { once, interval };
        top.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            if (parse.GetValue(once))
            {
                var frame = await ReadFrameAsync(client, ct).ConfigureAwait(false);
                return await CliOutput.ResultAsync(parse, output, frame, console => console.Write(Render(frame, DateTimeOffset.Now))).ConfigureAwait(false);
            }
            if (CliOutput.IsJson(parse)) throw new ArgumentException("top -o json needs --once (one frame per run)");
            return await LiveAsync(client, CliOutput.ConsoleFor(output), interval.ValueOf(parse), ct).ConfigureAwait(false);
        });
        return top;
    }

    /// <summary>Reads every part of a frame; only <c>/status</c> is required, the others are left null and named in <see cref="TopFrame.Problems"/>.</summary>
    public static async Task<TopFrame> ReadFrameAsync(DistSyncClient client, CancellationToken ct)
    {
        var status = client.GetStatusAsync(ct);
        var raft = client.GetRaftStatusAsync(ct);
        var locks = client.ListLocksAsync(ct);
        var queues = client.ListQueuesAsync(ct);
        var cache = client.CacheStatsAsync(ct);
        var topics = client.TopicsAsync(ct);
        var problems = new List<string>();
        async Task<T?> Optional<T>(Task<T> part, string name) where T : class
        {
            try
            {
                return await part.ConfigureAwait(false);
            }
            catch (Exception e) when (e is NodeUnreachableException or DistSyncApiException)
            {
                lock (problems) problems.Add($"{name}: {e.Message}");
                return null;
            }
        }
        var frame = new TopFrame(
            await status.ConfigureAwait(false),
            await Optional(raft, "raft").ConfigureAwait(false),
            await Optional<IReadOnlyList<LockStatusResponse>>(ListOf(locks), "locks").ConfigureAwait(false),
            await Optional(queues, "queues").ConfigureAwait(false),
            await Optional(cache, "cache").ConfigureAwait(false),
            await Optional(topics, "broadcast").ConfigureAwait(false),
            problems);
        return frame;
    }

    private static async Task<IReadOnlyList<T>> ListOf<T>(Task<List<T>> list) => await list.ConfigureAwait(false);

    /// <summary>The frame as Spectre renderables: a header line, then one table per part.</summary>
    public static IRenderable Render(TopFrame f, DateTimeOffset now)
    {
        var s = f.Status;
        var parts = new List<IRenderable>
        {
            new Markup(Markup.Escape($"dsync top — {HumanTime.Timestamp(now.ToUnixTimeMilliseconds())} — seen from {s.NodeId}: " +
                                     $"leader {s.Leader ?? "none"}, term {s.Term}, commit {s.CommitIndex}, " +
                                     $"{s.Members.Count(m => m.Status == "up")}/{s.Members.Count} members up")),
        };

        parts.Add(ClusterCommands.MembersTable(s, f.Raft).Title("members"));

        var held = f.Locks?.Count(l => l.Holders.Count > 0) ?? 0;
        var waiting = f.Locks?.Sum(l => l.Waiters.Count) ?? 0;
        var locks = new Table().Title($"locks: {held} held, {waiting} waiting").AddColumns("resource", "mode", "holders", "longest held", "waiters");
        foreach (var l in f.Locks ?? [])
        {
            var longest = l.Holders.Count == 0 ? "" : HumanTime.Ago(l.Holders.Min(h => h.SinceMs), now);
            locks.AddRow(Markup.Escape(l.Resource), Markup.Escape(l.Mode), Number(l.Holders.Count), longest, Number(l.Waiters.Count));
        }
        parts.Add(locks);

        var queues = new Table().Title($"queues: {Number(f.Queues?.Sum(q => q.Ready) ?? 0)} ready").AddColumns("queue", "partitions", "ready", "inflight", "dlq");
        foreach (var q in f.Queues ?? []) queues.AddRow(Markup.Escape(q.Queue), Number(q.Partitions), Number(q.Ready), Number(q.Inflight), Number(q.DeadLettered));
        parts.Add(queues);

        parts.Add(new Markup(Markup.Escape(f.Cache is { } c
            ? $"cache of {c.NodeId}: hit rate {CacheCommands.FormatHitRate(c.HitRate)} ({Number(c.Hits)} hits, {Number(c.Misses)} misses), " +
              $"{Number(c.Lines)}/{Number(c.Capacity)} lines, {CacheCommands.FormatByState(c.ByState)}"
            : "cache: unknown")));

        var topics = new Table().Title("broadcast topics").AddColumns("topic", "first seq", "last seq", "subscribers");
        foreach (var t in f.Topics ?? []) topics.AddRow(Markup.Escape(t.Topic), Number(t.FirstSeq), Number(t.LastSeq), Number(t.Subscribers));
        parts.Add(topics);

        foreach (var p in f.Problems) parts.Add(new Markup($"[red]{Markup.Escape(p)}[/]"));
        return new Rows(parts);
    }

    private static async Task<int> LiveAsync(DistSyncClient client, IAnsiConsole console, TimeSpan interval, CancellationToken ct)
    {
        using var quit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var keys = Task.Run(() => WatchForQuitAsync(quit), CancellationToken.None);
        try
        {
            await console.Live(new Markup("reading…")).StartAsync(async live =>
            {
                while (!quit.IsCancellationRequested)
                {
                    IRenderable view;
                    try
                    {
                        view = Render(await ReadFrameAsync(client, quit.Token).ConfigureAwait(false), DateTimeOffset.Now);
                    }
                    catch (Exception e) when (e is NodeUnreachableException or DistSyncApiException)
                    {
                        view = new Markup($"[red]{Markup.Escape(e.Message)}[/] (retrying; q or Ctrl-C quits)");
                    }
                    live.UpdateTarget(view);
                    live.Refresh();
                    await Task.Delay(interval, quit.Token).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (quit.IsCancellationRequested)
        {
        }
        await quit.CancelAsync().ConfigureAwait(false);
        await keys.ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    /// <summary>Cancels <paramref name="quit"/> on a <c>q</c> key; does nothing when stdin is not a terminal.</summary>
    private static async Task WatchForQuitAsync(CancellationTokenSource quit)
    {
        if (Console.IsInputRedirected) return;
        while (!quit.IsCancellationRequested)
        {
            if (Console.KeyAvailable && Console.ReadKey(intercept: true).KeyChar is 'q' or 'Q')
            {
                await quit.CancelAsync().ConfigureAwait(false);
                return;
            }
            try
            {
                await Task.Delay(50, quit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static string Number(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
