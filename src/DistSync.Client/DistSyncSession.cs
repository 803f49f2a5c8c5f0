namespace DistSync.Client;

/// <summary>
/// A session kept alive in the background (<see cref="DistSyncClient.StartSessionAsync"/>): a keepalive every
/// TTL/3, so two can fail in a row without the session expiring. <see cref="Lost"/> fires when the node says the
/// session is gone (404), or when no keepalive succeeded for a whole TTL (the session must then be presumed expired:
/// whatever it held may be held by another). Disposing stops the keepalives and deletes the session.
/// </summary>
public sealed class DistSyncSession : IAsyncDisposable
{
    private readonly DistSyncClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _lost = new();
    private readonly Task _keepAlive;
    private readonly TimeProvider _time;
    private int _disposed;

    internal DistSyncSession(DistSyncClient client, string sessionId, TimeSpan ttl, TimeProvider time)
    {
        _client = client;
        _time = time;
        SessionId = sessionId;
        Ttl = ttl;
        _keepAlive = Task.Run(KeepAliveLoopAsync);
    }

    public string SessionId { get; }

    public TimeSpan Ttl { get; }

    /// <summary>Cancelled once the session is lost; never cancelled by disposing.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>Why <see cref="Lost"/> fired: the 404, or the last keepalive failure; null while the session lives.</summary>
    public Exception? LostReason { get; private set; }

    /// <summary>How many keepalives the node accepted; for observing the helper, not for timing.</summary>
    public long KeepAlives => Interlocked.Read(ref _keepAlives);

    private long _keepAlives;

    private async Task KeepAliveLoopAsync()
    {
        var every = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(50).Ticks, Ttl.Ticks / 3));
        var lastSuccess = _time.GetTimestamp();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, _time, _stop.Token).ConfigureAwait(false);
                await _client.KeepAliveAsync(SessionId, _stop.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _keepAlives);
                lastSuccess = _time.GetTimestamp();
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SessionNotFoundException e)
            {
                MarkLost(e);
                return;
            }
            catch (Exception e) when (e is NodeUnreachableException or DistSyncApiException)
            {
                // A failover or a busy node: the next period tries again, unless a whole TTL went by without one.
                if (_time.GetElapsedTime(lastSuccess) < Ttl) continue;
                MarkLost(e);
                return;
            }
        }
    }

    private void MarkLost(Exception reason)
    {
        LostReason = reason;
        _lost.Cancel();
    }

    /// <summary>Stops the keepalives and deletes the session (releasing its locks); a node that cannot be reached
    /// is not an error here: the session then expires by its TTL.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _keepAlive.ConfigureAwait(false);
        if (!_lost.IsCancellationRequested)
        {
            try
            {
                await _client.DeleteSessionAsync(SessionId, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NodeUnreachableException or DistSyncApiException)
            {
                // expires by its TTL instead
            }
        }
        // _lost is not disposed: Lost stays readable after dispose, and a CancellationTokenSource without a timer holds nothing.
        _stop.Dispose();
    }
}
