using Akka.Actor;
using Akka.Coordination;
using Akka.Event;
using DistSync.Client;

namespace DistSync.Akka.Coordination;

/// <summary>
/// An Akka.Coordination <see cref="Lease"/> held in a DistSync cluster: <see cref="Acquire()"/> creates a session
/// with TTL <c>heartbeat-timeout</c> and try-locks the resource named by the lease name, exclusively; the session is
/// kept alive every <c>heartbeat-interval</c>, and each beat re-reads the lock. The lease is lost (callback, and
/// <see cref="CheckLease"/> false) when the session expires or is deleted, the lock has another holder, or no beat
/// succeeded for a whole TTL. <see cref="Release"/> releases the lock and deletes the session.
/// All calls are asynchronous and never block the caller's thread; acquires and releases of one lease run one at a time.
/// </summary>
public sealed class DistSyncLease : Lease
{
    private readonly DistSyncLeaseSettings _settings;
    private readonly DistSyncClient _client;
    private readonly ILoggingAdapter _log;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private LeaseHold? _hold;

    /// <summary>The constructor <see cref="LeaseProvider"/> calls for <c>lease-class</c>.</summary>
    public DistSyncLease(LeaseSettings settings, ExtendedActorSystem system)
        : this(settings, system, TimeProvider.System)
    {
    }

    internal DistSyncLease(LeaseSettings settings, ExtendedActorSystem system, TimeProvider time)
        : base(settings)
    {
        ArgumentNullException.ThrowIfNull(system);
        _settings = DistSyncLeaseSettings.From(settings);
        _client = LeaseClientFactory.Create(_settings);
        _log = Logging.GetLogger(system, typeof(DistSyncLease));
        _time = time;
        system.RegisterOnTermination(Abandon);
    }

    /// <summary>The fencing token of the current grant, for fenced writes (queues, cache); null while not held.</summary>
    public long? FencingToken => Volatile.Read(ref _hold) is { Ended: false } hold ? hold.FencingToken : null;

    /// <summary>The DistSync session of the current grant; null while not held.</summary>
    public string? SessionId => Volatile.Read(ref _hold) is { Ended: false } hold ? hold.SessionId : null;

    public override Task<bool> Acquire() => AcquireAsync(null);

    public override Task<bool> Acquire(Action<Exception?> leaseLostCallback) => AcquireAsync(leaseLostCallback);

    public override Task<bool> Release() => ReleaseAsync();

    /// <summary>True only while this owner certainly holds the lease: granted, not lost, and confirmed less than a TTL ago.</summary>
    public override bool CheckLease() => Volatile.Read(ref _hold)?.Certain == true;

    private async Task<bool> AcquireAsync(Action<Exception?>? lostCallback)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_hold is { Ended: false }) return true;
            using var deadline = new CancellationTokenSource(_settings.OperationTimeout);
            var createdAt = _time.GetTimestamp();
            string sessionId;
            try
            {
                sessionId = (await _client.CreateSessionAsync(_settings.SessionTtl, _settings.OwnerName, deadline.Token).ConfigureAwait(false)).SessionId;
            }
            catch (Exception e) when (e is not LeaseException)
            {
                throw Failure("acquire", e, deadline);
            }
            try
            {
                var grant = await _client.AcquireAsync(_settings.LeaseName, sessionId, LockAccess.Exclusive, wait: null, ct: deadline.Token).ConfigureAwait(false);
                var hold = new LeaseHold(_client, _settings, sessionId, grant.FencingToken, createdAt, lostCallback, _log, _time);
                Volatile.Write(ref _hold, hold);
                hold.Start();
                return true;
            }
            catch (LockNotGrantedException)
            {
                // Held by another owner: a definite "no".
                await LeaseCalls.DeleteSessionQuietlyAsync(_client, sessionId, _settings.OperationTimeout).ConfigureAwait(false);
                return false;
            }
            catch (Exception e)
            {
                // Unknown whether the lock was granted: deleting the session undoes a grant that did happen.
                await LeaseCalls.DeleteSessionQuietlyAsync(_client, sessionId, _settings.OperationTimeout).ConfigureAwait(false);
                throw Failure("acquire", e, deadline);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<bool> ReleaseAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var hold = _hold;
            Volatile.Write(ref _hold, null);
            if (hold is null || !await hold.TryEnd().ConfigureAwait(false)) return false;
            using var deadline = new CancellationTokenSource(_settings.OperationTimeout);
            try
            {
                var released = await _client.ReleaseAsync(_settings.LeaseName, hold.SessionId, deadline.Token).ConfigureAwait(false);
                await _client.DeleteSessionAsync(hold.SessionId, deadline.Token).ConfigureAwait(false);
                return released;
            }
            catch (Exception e)
            {
                throw Failure("release", e, deadline);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private LeaseException Failure(string operation, Exception e, CancellationTokenSource deadline) =>
        deadline.IsCancellationRequested
            ? new LeaseTimeoutException($"lease '{_settings.LeaseName}' ({_settings.OwnerName}): {operation} got no answer within {_settings.OperationTimeout}", e)
            : new LeaseException($"lease '{_settings.LeaseName}' ({_settings.OwnerName}): {operation} failed: {e.Message}", e);

    /// <summary>On actor-system shutdown: stop beating and delete the session in the background, so the lease frees
    /// at once rather than after a TTL.</summary>
    private void Abandon()
    {
        var hold = Volatile.Read(ref _hold);
        _ = Task.Run(async () =>
        {
            if (hold is not null && await hold.TryEnd().ConfigureAwait(false))
                await LeaseCalls.DeleteSessionQuietlyAsync(_client, hold.SessionId, _settings.OperationTimeout).ConfigureAwait(false);
            _client.Dispose();
        });
    }
}
