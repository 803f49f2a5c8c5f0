using System.Net;

namespace DistSync.Client;

/// <summary>
/// The one rule the followers (<see cref="BroadcastSubscription"/>, <see cref="KvWatch"/>) and the recipes share for
/// what another node or a later try may cure: no answer, a broken stream, a timeout, a 5xx. A 4xx (among them a 410
/// of retention or compaction) is an answer that every node would give alike.
/// </summary>
internal static class TransientFailure
{
    public static bool Is(Exception e, CancellationToken ct) => e switch
    {
        NodeUnreachableException or IOException or HttpRequestException => true,
        DistSyncApiException api => api.StatusCode >= HttpStatusCode.InternalServerError,
        OperationCanceledException => !ct.IsCancellationRequested,
        _ => false,
    };
}
