using DistSync.Client.Contracts;
using DistSync.Node.Meta;
using DistSync.Raft.Hosting;

namespace DistSync.Node.Http;

/// <summary>The fencing-token check shared by the routes that accept a <c>fence</c> (queue produce, cache write): the
/// token must be a current grant of the resource in the lock service, read linearizably from the meta group.</summary>
public static class Fences
{
    public static string? Check(FenceToken? fence) =>
        fence is not null && (string.IsNullOrEmpty(fence.Resource) || fence.FencingToken <= 0)
            ? "field 'fence' needs a 'resource' and a positive 'fencingToken'"
            : null;

    public static async Task<bool> IsCurrentGrantAsync(IRaftGroup meta, FenceToken fence, CancellationToken ct) =>
        await meta.QueryAsync(sm => ((MetaStateMachine)sm).Locks.Status(fence.Resource!).Holders.Any(h => h.FencingToken == fence.FencingToken), linearizable: true, ct)
            .ConfigureAwait(false);

    public static IResult Stale(string resource, long token, string why) =>
        // the reason alone in detail, as clients match on it (like the lock routes' 409s); the title says why
        Problems.Of(StatusCodes.Status409Conflict, $"fencing token {token} of '{resource}' is stale: {why}", "stale-fence");
}
