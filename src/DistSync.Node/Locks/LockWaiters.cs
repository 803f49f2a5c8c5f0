using DistSync.Locks;
using DistSync.Locks.Wire;

namespace DistSync.Node.Locks;

/// <summary>
/// The node-local side of lock waits: HTTP handlers waiting for a queued acquire register here, and the meta state
/// machine reports what every applied entry decided. Wait outcomes are deterministic, so every replica computes the
/// same ones when it applies; the node serving the request learns its outcome from its own replica, with no extra
/// messages. Thread-safe: handlers register from request threads, the state machine reports from the Raft group's
/// thread.
/// </summary>
/// <remarks>
/// The race "outcome applied before the handler knew its request id" cannot happen: the handler registers a
/// cluster-unique <see cref="LockWait.Token"/> before proposing, the Acquire entry carries it, and this replica applies
/// the Acquire (which names the request id) before any entry that ends the wait. A node that skips entries by
/// installing a snapshot re-checks its waits against the restored state (<see cref="OnRestored"/>).
/// </remarks>
public sealed class LockWaiters
{
    private readonly object _gate = new();
    private readonly Dictionary<string, LockWait> _byToken = new(StringComparer.Ordinal);
    private readonly Dictionary<long, List<LockWait>> _byRequest = [];

    /// <summary>Raised on the Raft group's thread for every session an applied entry ended (expired or deleted).</summary>
    public event Action<SessionEnded>? SessionEnded;

    /// <summary>Waits registered and not yet ended or given up (for tests and metrics).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byToken.Count;
            }
        }
    }

    /// <summary>Registers a wait under a new cluster-unique token; call before proposing the Acquire that carries it.</summary>
    public LockWait Register(string resource, string sessionId)
    {
        var wait = new LockWait(Guid.NewGuid().ToString("N"), resource, sessionId);
        lock (_gate)
        {
            _byToken.Add(wait.Token, wait);
        }

        return wait;
    }

    /// <summary>The handler gave up on the wait (answered, timed out or the client left).</summary>
    public void Unregister(LockWait wait)
    {
        lock (_gate)
        {
            _byToken.Remove(wait.Token);
            if (wait.RequestId is { } id && _byRequest.TryGetValue(id, out var list))
            {
                list.Remove(wait);
                if (list.Count == 0)
                {
                    _byRequest.Remove(id);
                }
            }
        }
    }

    /// <summary>The proposal's answer named the request id (it may have arrived after the local apply did).</summary>
    public void Queued(LockWait wait, long requestId)
    {
        lock (_gate)
        {
            if (wait.RequestId is not null || !_byToken.ContainsKey(wait.Token))
            {
                return;
            }

            Index(wait, requestId);
        }
    }

    /// <summary>Called by the meta state machine after applying <paramref name="command"/>, on the group's thread.</summary>
    public void OnApplied(LockCommand command, LockApplyResult applied)
    {
        lock (_gate)
        {
            if (_byToken.Count > 0)
            {
                if (command.CommandCase == LockCommand.CommandOneofCase.Acquire
                    && command.Acquire.WaitToken.Length > 0
                    && _byToken.TryGetValue(command.Acquire.WaitToken, out var own))
                {
                    if (applied.Result is LockQueued queued)
                    {
                        if (own.RequestId is null)
                        {
                            Index(own, queued.RequestId);
                        }
                    }
                    else
                    {
                        own.Complete(applied.Result);
                    }
                }

                foreach (var outcome in applied.WaitOutcomes)
                {
                    if (_byRequest.Remove(outcome.RequestId, out var waits))
                    {
                        foreach (var w in waits)
                        {
                            w.Complete(outcome);
                        }
                    }
                }
            }
        }

        if (applied.SessionsEnded.Count > 0 && SessionEnded is { } handler)
        {
            foreach (var ended in applied.SessionsEnded)
            {
                handler(ended);
            }
        }
    }

    /// <summary>
    /// This replica jumped to a snapshot, so outcomes in the skipped entries were never reported: every wait whose
    /// request id is known and is no longer queued ends now, as granted when its session holds the resource in a
    /// covering mode, else as lost (the handler answers "outcome unknown").
    /// </summary>
    public void OnRestored(LockServiceStateMachine locks)
    {
        lock (_gate)
        {
            foreach (var (requestId, waits) in _byRequest.ToArray())
            {
                var resource = waits[0].Resource;
                var status = locks.Status(resource);
                var stillQueued = false;
                foreach (var w in status.Waiters)
                {
                    stillQueued |= w.RequestId == requestId;
                }

                if (stillQueued)
                {
                    continue;
                }

                _byRequest.Remove(requestId);
                foreach (var wait in waits)
                {
                    LockHolderStatus? hold = null;
                    foreach (var h in status.Holders)
                    {
                        if (h.SessionId == wait.SessionId)
                        {
                            hold = h;
                        }
                    }

                    wait.Complete(hold is null
                        ? new WaitLost(requestId)
                        : new WaitOutcome(requestId, wait.SessionId, resource, hold.Mode, WaitOutcomeKind.Granted, hold.FencingToken));
                }
            }
        }
    }

    private void Index(LockWait wait, long requestId)
    {
        wait.SetRequestId(requestId);
        if (!_byRequest.TryGetValue(requestId, out var list))
        {
            list = [];
            _byRequest.Add(requestId, list);
        }

        list.Add(wait);
    }
}
