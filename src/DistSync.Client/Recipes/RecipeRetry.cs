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
            catch (Exception e) when (TransientFailure.Is(e, ct))
            {
                await Task.Delay(Pause, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>How long a cancelled recipe keeps trying to take its key back before leaving it to the session's end.</summary>
    private static readonly TimeSpan CleanupPatience = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Best effort after a cancel: retries <paramref name="cleanup"/> for a while (not under the caller's cancelled
    /// token), then gives up quietly; the key is ephemeral, so the session's end removes it anyway.
    /// </summary>
    public static async Task CleanupAsync<T>(Func<CancellationToken, Task<T>> cleanup)
    {
        using var patience = new CancellationTokenSource(CleanupPatience);
        try
        {
            await RunAsync(cleanup, patience.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (patience.IsCancellationRequested)
        {
        }
    }
}
