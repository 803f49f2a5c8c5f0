using DistSync.Client.Contracts;
using DistSync.Locks;
using DistSync.Node.Hosting;
using DistSync.Raft.Hosting;

namespace DistSync.Node.Http;

/// <summary>
/// The Sessions routes of API.md on the meta group. A session expires <c>ttlMs</c> of leader-stamped log time after
/// its creation or last keepalive; expiry and delete release its locks and cancel its waits in one entry.
/// </summary>
public static class SessionRoutes
{
    public const long DefaultTtlMs = 10_000;

    public static void Map(WebApplication web, NodeSettings settings, IRaftGroup meta)
    {
        web.MapPost("/session", LockAnswers.Handler(async ctx =>
        {
            var body = new CreateSessionRequest(null);
            if (ctx.Request.ContentLength is null or > 0)
            {
                var (read, problem) = await JsonBody.ReadAsync<CreateSessionRequest>(ctx, settings.MaxRequestBodyBytes).ConfigureAwait(false);
                if (problem is not null) return problem;
                body = read!;
            }
            var command = LockCommands.CreateSession(body.TtlMs ?? DefaultTtlMs, body.ClientId ?? "");
            return await RaftRequest.RunAsync(ctx, settings, async ct =>
                await LockAnswers.ProposeAsync(meta, command, ct).ConfigureAwait(false) switch
                {
                    SessionCreated created => LockAnswers.Json(new SessionResponse(created.SessionId, created.TtlMs), StatusCodes.Status201Created),
                    CommandFailed failed => LockAnswers.Failure(failed),
                    var other => LockAnswers.Unexpected(other),
                }).ConfigureAwait(false);
        }));

        web.MapPost("/session/{id}/keepalive", async (HttpContext ctx, string id) =>
            await RaftRequest.RunAsync(ctx, settings, async ct =>
                await LockAnswers.ProposeAsync(meta, LockCommands.KeepAlive(id), ct).ConfigureAwait(false) switch
                {
                    SessionKeptAlive kept => LockAnswers.Json(new KeepAliveResponse(kept.SessionId, kept.ExpiresInMs)),
                    CommandFailed failed => LockAnswers.Failure(failed),
                    var other => LockAnswers.Unexpected(other),
                }).ConfigureAwait(false));

        web.MapDelete("/session/{id}", async (HttpContext ctx, string id) =>
            await RaftRequest.RunAsync(ctx, settings, async ct =>
                await LockAnswers.ProposeAsync(meta, LockCommands.DeleteSession(id), ct).ConfigureAwait(false) switch
                {
                    SessionDeleted => Results.NoContent(),
                    CommandFailed failed => LockAnswers.Failure(failed),
                    var other => LockAnswers.Unexpected(other),
                }).ConfigureAwait(false));
    }
}
