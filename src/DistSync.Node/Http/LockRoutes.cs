using DistSync.Client.Contracts;
using DistSync.Locks;
using DistSync.Node.Hosting;
using DistSync.Node.Locks;
using DistSync.Node.Meta;
using DistSync.Raft.Hosting;

namespace DistSync.Node.Http;

/// <summary>
/// The Locks routes of API.md on the meta group. Reads are linearizable (ReadIndex).
/// </summary>
/// <remarks>
/// <para><b>Waiting acquires.</b> With <c>waitMs &gt; 0</c> the request stays open until the state machine grants or
/// ends the wait; its deadline is decided from log time (the leader proposes an Expire entry when it is due). The
/// handler registers a wait token with <see cref="LockWaiters"/> before proposing, so it learns the outcome from
/// this node's own replica whichever entry decides it.</para>
/// <para><b>HTTP deadline rule.</b> A wait may exceed <c>dsync.http.request-timeout</c>: the request's own deadline is
/// <c>waitMs + request-timeout</c>. Only when no outcome is applied by then (no leader to time the wait out) does it
/// answer 503 (its wait is cancelled in the background; retrying is safe, an acquire is idempotent).</para>
/// <para><b>Client gone.</b> When the client disconnects while waiting, the handler proposes CancelWait for its request
/// (in the background, under the request timeout). If the grant won the race the session keeps the lock (a retry of
/// the same acquire returns it; deleting or expiring the session frees it).</para>
/// <para><b>Ended waits.</b> Granted: 200. Timed out: 409 <c>timeout</c>. Aborted as the youngest of a wait-for cycle: 409
/// <c>deadlock</c> with <c>released</c>, the resources the transaction's abort freed. The session expired or was deleted, or the wait was cancelled: 404.</para>
/// </remarks>
public static class LockRoutes
{
    public static void Map(WebApplication web, NodeSettings settings, IRaftGroup meta, LockWaiters waiters, LockMetrics metrics, Serilog.ILogger logger)
    {
        var options = LockServiceOptions.Default;

        web.MapPost("/lock/acquire", LockAnswers.Handler(async ctx =>
        {
            var (body, problem) = await JsonBody.ReadAsync<AcquireRequest>(ctx, settings.MaxRequestBodyBytes).ConfigureAwait(false);
            if (problem is not null) return problem;
            if (CheckResource(body!.Resource, options) is { } badResource) return badResource;
            if (string.IsNullOrEmpty(body.SessionId)) return Problems.BadRequest("field 'sessionId' is required");
            LockMode mode;
            switch (body.Mode ?? "exclusive")
            {
                case "exclusive": mode = LockMode.Exclusive; break;
                case "shared": mode = LockMode.Shared; break;
                default: return Problems.BadRequest("field 'mode' must be 'shared' or 'exclusive'");
            }
            var waitMs = body.WaitMs ?? 0;
            if (waitMs < 0 || waitMs > options.MaxWaitMs) return Problems.BadRequest($"field 'waitMs' must be between 0 and {options.MaxWaitMs}");
            var acquire = new Acquire(meta, settings, waiters, metrics, logger, body.Resource!, body.SessionId, mode, waitMs, body.TxnId ?? "");
            return await acquire.RunAsync(ctx).ConfigureAwait(false);
        }));

        web.MapPost("/lock/release", LockAnswers.Handler(async ctx =>
        {
            var (body, problem) = await JsonBody.ReadAsync<ReleaseRequest>(ctx, settings.MaxRequestBodyBytes).ConfigureAwait(false);
            if (problem is not null) return problem;
            if (CheckResource(body!.Resource, options) is { } badResource) return badResource;
            if (string.IsNullOrEmpty(body.SessionId)) return Problems.BadRequest("field 'sessionId' is required");
            var command = LockCommands.Release(body.Resource!, body.SessionId);
            return await RaftRequest.RunAsync(ctx, settings, async ct =>
                await LockAnswers.ProposeAsync(meta, command, ct).ConfigureAwait(false) switch
                {
                    LockReleased => LockAnswers.Json(new ReleaseResponse(true)),
                    CommandFailed failed => LockAnswers.Failure(failed),
                    var other => LockAnswers.Unexpected(other),
                }).ConfigureAwait(false);
        }));

        web.MapGet("/lock/status/{**resource}", async (HttpContext ctx, string? resource) =>
        {
            if (CheckResource(resource, options) is { } badResource) return badResource;
            return await RaftRequest.RunAsync(ctx, settings, async ct =>
            {
                var status = await meta.QueryAsync(sm => ((MetaStateMachine)sm).Locks.Status(resource!), linearizable: true, ct).ConfigureAwait(false);
                return LockAnswers.Json(LockAnswers.ToResponse(status));
            }).ConfigureAwait(false);
        });

        web.MapGet("/lock/list", LockAnswers.Handler(async ctx =>
            await RaftRequest.RunAsync(ctx, settings, async ct =>
            {
                var list = await meta.QueryAsync(sm => ((MetaStateMachine)sm).Locks.List(), linearizable: true, ct).ConfigureAwait(false);
                var answer = new List<LockStatusResponse>(list.Count);
                foreach (var status in list) answer.Add(LockAnswers.ToResponse(status));
                return LockAnswers.Json(answer);
            }).ConfigureAwait(false)));
    }

    private static IResult? CheckResource(string? resource, LockServiceOptions options)
    {
        if (string.IsNullOrEmpty(resource)) return Problems.BadRequest("field 'resource' is required");
        if (resource.Length > options.MaxResourceLength) return Problems.BadRequest($"field 'resource' is longer than {options.MaxResourceLength} characters");
        return null;
    }

    /// <summary>One <c>POST /lock/acquire</c>, from proposal to answer.</summary>
    private sealed class Acquire(IRaftGroup meta, NodeSettings settings, LockWaiters waiters, LockMetrics metrics, Serilog.ILogger logger,
        string resource, string sessionId, LockMode mode, long waitMs, string txnId)
    {
        // for dsync_locks_wait_seconds: the wait as the client sees it, proposal included
        private readonly long arrived = System.Diagnostics.Stopwatch.GetTimestamp();

        public async Task<IResult> RunAsync(HttpContext ctx)
        {
            var aborted = ctx.RequestAborted;
            var wait = waitMs > 0 ? waiters.Register(resource, sessionId) : null;
            var handedOff = false;
            try
            {
                var command = LockCommands.Acquire(resource, sessionId, mode, waitMs, txnId, wait?.Token ?? "");
                LockCommandResult result;
                using (var proposal = CancellationTokenSource.CreateLinkedTokenSource(aborted))
                {
                    proposal.CancelAfter(settings.RequestTimeout);
                    try
                    {
                        result = await LockAnswers.ProposeAsync(meta, command, proposal.Token).ConfigureAwait(false);
                    }
                    catch (Exception e) when (aborted.IsCancellationRequested && e is RaftUnavailableException or OperationCanceledException)
                    {
                        handedOff = wait is not null && Abandon(wait);
                        return Results.Empty;
                    }
                    catch (RaftUnavailableException e)
                    {
                        return LockAnswers.Unavailable(settings, e.Message, e.LeaderHint);
                    }
                    catch (OperationCanceledException)
                    {
                        return LockAnswers.Unavailable(settings, "the request deadline passed", null);
                    }
                }

                if (result is not LockQueued queued) return Answer(result);
                waiters.Queued(wait!, queued.RequestId);
                return await AwaitOutcomeAsync(wait!, aborted, () => handedOff = Abandon(wait!)).ConfigureAwait(false);
            }
            finally
            {
                if (wait is not null && !handedOff) waiters.Unregister(wait);
            }
        }

        private async Task<IResult> AwaitOutcomeAsync(LockWait wait, CancellationToken aborted, Action abandon)
        {
            // The state machine decides the wait by log time; this deadline only guards against a cluster that cannot
            // decide (no leader): waitMs + request-timeout.
            var deadline = TimeSpan.FromMilliseconds(waitMs) + settings.RequestTimeout;
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            limit.CancelAfter(deadline);
            try
            {
                return Answer(await wait.Ended.WaitAsync(limit.Token).ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                abandon();
                return Results.Empty;
            }
            catch (OperationCanceledException)
            {
                return await UndecidedAsync(wait, abandon).ConfigureAwait(false);
            }
        }

        /// <summary>No outcome by the HTTP deadline: read the state once; a grant that was missed is still a grant.</summary>
        private async Task<IResult> UndecidedAsync(LockWait wait, Action abandon)
        {
            try
            {
                using var read = new CancellationTokenSource(settings.RequestTimeout);
                var status = await meta.QueryAsync(sm => ((MetaStateMachine)sm).Locks.Status(resource), linearizable: true, read.Token).ConfigureAwait(false);
                foreach (var h in status.Holders)
                {
                    if (h.SessionId == sessionId && (h.Mode == mode || h.Mode == LockMode.Exclusive))
                    {
                        metrics.Granted(System.Diagnostics.Stopwatch.GetElapsedTime(arrived));
                        return LockAnswers.Json(new AcquireResponse(resource, LockAnswers.ModeName(h.Mode), h.FencingToken));
                    }
                }
            }
            catch (Exception e) when (e is RaftUnavailableException or OperationCanceledException)
            {
                // fall through: undecided
            }
            abandon();
            return LockAnswers.Unavailable(settings, $"the wait was not decided within waitMs + request-timeout ({waitMs} ms + {(long)settings.RequestTimeout.TotalMilliseconds} ms); it is being cancelled", meta.Status.Leader);
        }

        private IResult Answer(object outcome)
        {
            switch (outcome)
            {
                case LockGranted granted:
                    metrics.Granted(System.Diagnostics.Stopwatch.GetElapsedTime(arrived));
                    return LockAnswers.Json(new AcquireResponse(granted.Resource, LockAnswers.ModeName(granted.Mode), granted.FencingToken));
                case WaitOutcome { Kind: WaitOutcomeKind.Granted } o:
                    metrics.Granted(System.Diagnostics.Stopwatch.GetElapsedTime(arrived));
                    return LockAnswers.Json(new AcquireResponse(o.Resource, LockAnswers.ModeName(o.Mode), o.FencingToken));
                case WaitOutcome { Kind: WaitOutcomeKind.TimedOut }:
                    metrics.TimedOut();
                    return LockAnswers.NotGranted("timeout");
                case WaitOutcome { Kind: WaitOutcomeKind.Deadlock } o:
                    return LockAnswers.Deadlock(o.Released);
                case WaitOutcome { Kind: WaitOutcomeKind.SessionExpired }:
                    return Problems.NotFound($"session \"{sessionId}\" expired while waiting for \"{resource}\"");
                case WaitOutcome { Kind: WaitOutcomeKind.Cancelled }:
                    return Problems.NotFound($"the wait of session \"{sessionId}\" for \"{resource}\" was cancelled (session deleted or wait cancelled)");
                case CommandFailed failed:
                    if (failed.Reason == LockFailureReason.Timeout) metrics.TimedOut();
                    return LockAnswers.Failure(failed);
                case WaitLost:
                    return LockAnswers.Unavailable(settings, "this node caught up from a snapshot and missed the wait's outcome", meta.Status.Leader);
                case LockCommandResult other:
                    return LockAnswers.Unexpected(other);
                default:
                    return Problems.Of(StatusCodes.Status500InternalServerError, "internal error", "unknown wait outcome");
            }
        }

        /// <summary>
        /// The client left or the wait is undecided: cancel the wait in the background (not under the request's
        /// token), then forget the registration. Returns true: the background task now owns the registration.
        /// </summary>
        private bool Abandon(LockWait wait)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    using var cts = new CancellationTokenSource(settings.RequestTimeout + settings.RequestTimeout);
                    var first = await Task.WhenAny(wait.Queued, wait.Ended).WaitAsync(cts.Token).ConfigureAwait(false);
                    if (first == wait.Queued && !wait.Ended.IsCompleted)
                    {
                        var requestId = await wait.Queued.ConfigureAwait(false);
                        await LockAnswers.ProposeAsync(meta, LockCommands.CancelWait(resource, sessionId, requestId), cts.Token).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is RaftUnavailableException or OperationCanceledException or TimeoutException)
                {
                    logger.Warning("could not cancel the abandoned wait of session {Session} for {Resource}: {Reason}", sessionId, resource, e.Message);
                }
                finally
                {
                    waiters.Unregister(wait);
                }
            });
            return true;
        }
    }
}
