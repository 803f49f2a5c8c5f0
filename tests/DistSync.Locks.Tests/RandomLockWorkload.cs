using DistSync.Locks.Wire;

namespace DistSync.Locks.Tests;

/// <summary>
/// A seeded stream of lock service commands over a few sessions and resources, chosen from the state machine's
/// current state so that acquires contend, waits time out, sessions expire and transactions deadlock. Deterministic
/// for a seed and a state.
/// </summary>
internal sealed class RandomLockWorkload(int seed, int resources = 4, int maxSessions = 6, int txns = 3)
{
    private static readonly long[] Waits = [0, 300, 1_000, 2_000, 5_000];
    private readonly Random _random = new(seed);
    private readonly List<string> _sessions = [];
    private readonly List<(long RequestId, string Resource, string SessionId)> _requests = [];

    /// <summary>The next command to apply, and how far to move the log clock before it.</summary>
    public (long AdvanceMs, LockCommand Command) Next(LockServiceStateMachine machine)
    {
        var advance = _random.Next(20) != 0 ? _random.Next(0, 100) : _random.Next(0, 1_000);
        var live = _sessions.Where(s => machine.Sessions.Find(s) is not null).ToList();
        var roll = _random.Next(100);
        if (live.Count == 0 || (roll < 10 && live.Count < maxSessions))
        {
            return (advance, LockCommands.CreateSession(_random.Next(1_000, 4_000)));
        }

        var session = Pick(_random.Next(20) == 0 ? _sessions : live);
        var resource = "r" + _random.Next(resources);
        return roll switch
        {
            < 25 => (advance, LockCommands.KeepAlive(session)),
            < 26 => (advance, LockCommands.DeleteSession(session)),
            < 61 => (advance, LockCommands.Acquire(
                resource,
                session,
                _random.Next(2) == 0 ? LockMode.Exclusive : LockMode.Shared,
                Waits[_random.Next(Waits.Length)],
                _random.Next(4) == 0 ? "t" + _random.Next(txns) : "")),
            < 90 => (advance, ReleaseSomething(machine, session, resource)),
            < 94 when _requests.Count > 0 => (advance, CancelSomething()),
            _ => (machine.NextDeadlineMs is { } due ? Math.Max(0, due - machine.LastLogTimeMs) : advance, LockCommands.Expire()),
        };
    }

    /// <summary>Feeds back what an entry did, so later commands can name the sessions and requests it created.</summary>
    public void Observe(long index, LockCommand command, LockApplyResult result)
    {
        if (result.Result is SessionCreated created)
        {
            _sessions.Add(created.SessionId);
        }

        if (result.Result is LockQueued queued && queued.RequestId == index)
        {
            _requests.Add((index, command.Acquire.Resource, command.Acquire.SessionId));
        }

        foreach (var o in result.WaitOutcomes)
        {
            _requests.RemoveAll(r => r.RequestId == o.RequestId);
        }
    }

    private LockCommand ReleaseSomething(LockServiceStateMachine machine, string session, string resource)
    {
        // Mostly release something the session holds; sometimes something it does not.
        var held = machine.Locks.HeldBy(session);
        return held.Count > 0 && _random.Next(5) != 0
            ? LockCommands.Release(Pick(held), session)
            : LockCommands.Release(resource, session);
    }

    private LockCommand CancelSomething()
    {
        var (requestId, resource, session) = _requests[_random.Next(_requests.Count)];
        return LockCommands.CancelWait(resource, session, requestId);
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
}
