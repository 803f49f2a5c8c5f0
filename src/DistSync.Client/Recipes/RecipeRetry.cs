using System.Net;

namespace DistSync.Client.Recipes;

/// <summary>
/// Retries a recipe's idempotent request while the cluster cannot answer it (every node unreachable, or a 503: no
/// leader or quorum yet, as during a leader's failover), until <paramref name="ct"/> fires. Only requests whose
/// repeat is harmless go through here: a put of the same value, a create-if-absent transaction, a read.
/// </summary>
internal static class RecipeRetry
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(250);

    public static async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> request, CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                return await request(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e, ct))
            {
                await Task.Delay(Pause, ct).ConfigureAwait(false);
            }
        }
    }

    public static bool IsTransient(Exception e, CancellationToken ct) => e switch
    {
        KvCompactedException => false,
        NodeUnreachableException => true,
        DistSyncApiException api => api.StatusCode >= HttpStatusCode.InternalServerError,
        OperationCanceledException => !ct.IsCancellationRequested,
        _ => false,
    };
}
