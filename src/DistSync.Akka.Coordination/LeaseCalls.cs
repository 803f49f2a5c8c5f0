using DistSync.Client;

namespace DistSync.Akka.Coordination;

/// <summary>Best-effort calls whose failure changes nothing: the session then expires by its TTL.</summary>
internal static class LeaseCalls
{
    public static async Task DeleteSessionQuietlyAsync(DistSyncClient client, string sessionId, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await client.DeleteSessionAsync(sessionId, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NodeUnreachableException or DistSyncApiException or OperationCanceledException or ObjectDisposedException)
        {
            // expires by its TTL instead
        }
    }
}
