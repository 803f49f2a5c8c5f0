using System.Threading.Channels;

namespace DistSync.Node.Http;

/// <summary>The plumbing every Server-Sent Events route shares (broadcast subscribe, KV watch).</summary>
public static class SseStream
{
    /// <summary>What waiting on a stream's channel gave.</summary>
    public enum Wait
    {
        /// <summary>Items are ready to read.</summary>
        Ready,
        /// <summary>Nothing came within the keep-alive interval.</summary>
        Idle,
        /// <summary>The channel completed: the subscription ended or the node stops.</summary>
        Completed,
    }

    /// <summary>Sets the status and headers of an event stream (no caching, no proxy buffering).</summary>
    public static void Begin(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
    }

    /// <summary>Waits for the next items, at most <paramref name="keepAlive"/>.</summary>
    public static async Task<Wait> WaitAsync<T>(ChannelReader<T> reader, TimeSpan keepAlive, CancellationToken ct)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(keepAlive);
        try
        {
            return await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false) ? Wait.Ready : Wait.Completed;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Wait.Idle;
        }
    }

    /// <summary>Writes a keep-alive comment and flushes it.</summary>
    public static async Task KeepAliveAsync(HttpResponse response, CancellationToken ct)
    {
        await response.WriteAsync(": keep-alive\n\n", ct).ConfigureAwait(false);
        await response.Body.FlushAsync(ct).ConfigureAwait(false);
    }
}
