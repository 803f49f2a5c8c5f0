using Akka.Coordination;
using Akka.Event;
using DistSync.Client;

namespace DistSync.Akka.Coordination;

/// <summary>
/// One acquisition of a lease: the session, the fencing token of its exclusive grant, and the heartbeat that keeps
/// the session alive and re-reads the lock every <see cref="DistSyncLeaseSettings.KeepAliveInterval"/>.
/// It ends exactly once: by <see cref="TryEnd"/> (release, shutdown; no callback) or by being lost (the session is
/// gone, the lock has another holder, or no heartbeat succeeded for a whole TTL), which calls the lost callback.
/// </summary>
internal sealed class LeaseHold
{
    private readonly DistSyncClient _client;
    private readonly DistSyncLeaseSettings _settings;
    private readonly Action<Exception?>? _lostCallback;
    private readonly ILoggingAdapter _log;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private Task _heartbeat = Task.CompletedTask;

    // Invariant: the session expires no earlier than _confirmedAt + TTL, since _confirmedAt is taken before sending
    // the request (the create, or a keepalive) whose success the node confirmed.
    private long _confirmedAt;
    private int _ended;

    public LeaseHold(DistSyncClient client, DistSyncLeaseSettings settings, string sessionId, long fencingToken,
        long createdAt, Action<Exception?>? lostCallback, ILoggingAdapter log, TimeProvider time)
    {
        _client = client;
        _settings = settings;
        SessionId = sessionId;
        FencingToken = fencingToken;
        _confirmedAt = createdAt;
        _lostCallback = lostCallback;
        _log = log;
        _time = time;
    }

    public string SessionId { get; }

    public long FencingToken { get; }

    public bool Ended => Volatile.Read(ref _ended) == 1;

    /// <summary>True only while the session certainly lives: not ended, and less than a TTL since the last confirmation.</summary>
    public bool Certain => !Ended && _time.GetElapsedTime(Interlocked.Read(ref _confirmedAt)) < _settings.SessionTtl;

    /// <summary>Starts the heartbeat; called once the acquire's answer is settled, so the callback cannot come first.</summary>
    public void Start() => _heartbeat = Task.Run(HeartbeatAsync);

    /// <summary>Ends the hold without the lost callback; false when it had already ended (lost).</summary>
    public async Task<bool> TryEnd()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 1) return false;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _heartbeat.ConfigureAwait(false);
        return true;
    }

    private async Task HeartbeatAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_settings.KeepAliveInterval, _time, _stop.Token).ConfigureAwait(false);
                var sentAt = _time.GetTimestamp();
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                deadline.CancelAfter(_settings.OperationTimeout);
                await _client.KeepAliveAsync(SessionId, deadline.Token).ConfigureAwait(false);
                var status = await _client.GetLockStatusAsync(_settings.LeaseName, deadline.Token).ConfigureAwait(false);
                if (!status.Holders.Any(h => h.SessionId == SessionId && h.FencingToken == FencingToken))
                {
                    await LoseAsync(new LeaseException($"lease '{_settings.LeaseName}': the lock is no longer held by session {SessionId} (token {FencingToken})")).ConfigureAwait(false);
                    return;
                }
                Interlocked.Exchange(ref _confirmedAt, sentAt);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SessionNotFoundException e)
            {
                await LoseAsync(new LeaseException($"lease '{_settings.LeaseName}': session {SessionId} expired or was deleted", e)).ConfigureAwait(false);
                return;
            }
            catch (Exception e)
            {
                // A node down, a failover, a request past its deadline: the next beat tries again until a whole TTL
                // has gone by unconfirmed, when the session must be presumed expired.
                if (_time.GetElapsedTime(Interlocked.Read(ref _confirmedAt)) < _settings.SessionTtl)
                {
                    _log.Warning("lease {0}: heartbeat failed, retrying: {1}", _settings.LeaseName, e.Message);
                    continue;
                }
                await LoseAsync(new LeaseTimeoutException($"lease '{_settings.LeaseName}': no heartbeat succeeded for {_settings.SessionTtl}", e)).ConfigureAwait(false);
                return;
            }
        }
    }

    private async Task LoseAsync(Exception reason)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 1) return;
        _log.Warning("lease {0} lost by {1}: {2}", _settings.LeaseName, _settings.OwnerName, reason.Message);
        try
        {
            _lostCallback?.Invoke(reason);
        }
        catch (Exception e)
        {
            _log.Error(e, "lease {0}: the lease-lost callback threw", _settings.LeaseName);
        }
        // The session may still live (the lock was lost another way, or the node was only slow): end it so it holds nothing.
        await LeaseCalls.DeleteSessionQuietlyAsync(_client, SessionId, _settings.OperationTimeout).ConfigureAwait(false);
    }
}
