using DistSync.Node.Hosting;
using DistSync.Raft.Hosting;

namespace DistSync.Node.Http;

/// <summary>
/// Runs a request that needs the meta Raft group under the request deadline (<c>dsync.http.request-timeout</c>):
/// no leader or no quorum in time -> 503 (safe to retry), a change the leader refuses for now (another
/// configuration change pending, a leader transfer) -> 503 saying so, an unknown member -> 404.
/// </summary>
public static class RaftRequest
{
    public static Task<IResult> RunAsync(HttpContext context, NodeSettings settings, Func<CancellationToken, Task<IResult>> work) =>
        RunAsync(context, settings, TimeSpan.Zero, work);

    /// <summary>As above, with <paramref name="extra"/> on top of the request timeout (a long-polling consume's wait).</summary>
    public static async Task<IResult> RunAsync(HttpContext context, NodeSettings settings, TimeSpan extra, Func<CancellationToken, Task<IResult>> work)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(settings.RequestTimeout + extra);
        try
        {
            return await work(deadline.Token).ConfigureAwait(false);
        }
        catch (RaftBusyException e)
        {
            // a leader answers, it is just not ready for this change yet: do not call that "no quorum"
            return Problems.Unavailable($"{e.Message}; retry once it is applied (waited {(long)settings.RequestTimeout.TotalMilliseconds} ms)"
                + (e.LeaderHint is null ? "" : $"; leader is {e.LeaderHint}"));
        }
        catch (RaftUnavailableException e)
        {
            return Unavailable(settings, e.Message, e.LeaderHint);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return Unavailable(settings, "the request deadline passed", null);
        }
        catch (ArgumentException e)
        {
            // The group rejects unknown member ids this way (transfer-leader, down).
            return Problems.NotFound(e.Message);
        }
    }

    private static IResult Unavailable(NodeSettings settings, string reason, string? leaderHint) =>
        Problems.Unavailable($"no quorum within {(long)settings.RequestTimeout.TotalMilliseconds} ms ({reason}); safe to retry"
            + (leaderHint is null ? "" : $"; leader believed to be {leaderHint}"));
}
