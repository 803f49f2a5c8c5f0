using DistSync.Locks.Wire;

namespace DistSync.Locks.Tests;

/// <summary>
/// Drives a <see cref="LockServiceStateMachine"/> like a Raft host would: consecutive indexes, a term and a log clock
/// the test moves, and the applied log kept so another replica can replay it.
/// </summary>
internal sealed class LockHarness
{
    public LockHarness(LockServiceOptions? options = null)
    {
        Machine = new LockServiceStateMachine(options);
    }

    public LockServiceStateMachine Machine { get; }

    /// <summary>Index of the last applied entry.</summary>
    public long Index { get; private set; }

    /// <summary>Log time stamped on the next entry.</summary>
    public long NowMs { get; set; } = 1_000_000;

    /// <summary>Raft term of the next entry (raise it to model a leader change).</summary>
    public long Term { get; set; } = 1;

    public LockApplyResult Last { get; private set; } = new(new ExpiryApplied(0, 0), [], []);

    public List<(long Index, long Term, long TimeMs, LockCommand Command)> Log { get; } = [];

    public LockApplyResult Apply(LockCommand command)
    {
        Index++;
        Log.Add((Index, Term, NowMs, command));
        Last = Machine.Apply(Index, Term, NowMs, command);
        return Last;
    }

    public string NewSession(long ttlMs = 10_000, string clientId = "")
    {
        var created = Assert.IsType<SessionCreated>(Apply(LockCommands.CreateSession(ttlMs, clientId)).Result);
        return created.SessionId;
    }

    public LockCommandResult Acquire(string resource, string session, LockMode mode, long waitMs = 0, string txnId = "") =>
        Apply(LockCommands.Acquire(resource, session, mode, waitMs, txnId)).Result;

    public LockGranted Granted(string resource, string session, LockMode mode, long waitMs = 0, string txnId = "") =>
        Assert.IsType<LockGranted>(Acquire(resource, session, mode, waitMs, txnId));

    /// <summary>Acquires and asserts the request queued; returns its request id.</summary>
    public long Queued(string resource, string session, LockMode mode, long waitMs = 60_000, string txnId = "") =>
        Assert.IsType<LockQueued>(Acquire(resource, session, mode, waitMs, txnId)).RequestId;

    public CommandFailed Failed(string resource, string session, LockMode mode, long waitMs = 0, string txnId = "") =>
        Assert.IsType<CommandFailed>(Acquire(resource, session, mode, waitMs, txnId));

    public LockCommandResult Release(string resource, string session) => Apply(LockCommands.Release(resource, session)).Result;

    public LockApplyResult Expire() => Apply(LockCommands.Expire());

    /// <summary>Moves the log clock to <paramref name="timeMs"/> and applies an Expire entry there.</summary>
    public LockApplyResult ExpireAt(long timeMs)
    {
        NowMs = timeMs;
        return Expire();
    }

    public LockStatus Status(string resource) => Machine.Status(resource);

    public IReadOnlyList<string> HolderSessions(string resource) => Status(resource).Holders.Select(h => h.SessionId).ToList();

    public IReadOnlyList<string> WaiterSessions(string resource) => Status(resource).Waiters.Select(w => w.SessionId).ToList();

    /// <summary>The single outcome of the last entry for <paramref name="requestId"/>.</summary>
    public WaitOutcome OutcomeOf(long requestId) => Assert.Single(Last.WaitOutcomes, o => o.RequestId == requestId);

    /// <summary>A fresh replica that applied the same log.</summary>
    public LockServiceStateMachine Replay(LockServiceOptions? options = null)
    {
        var replica = new LockServiceStateMachine(options);
        foreach (var (index, term, time, command) in Log)
        {
            replica.Apply(index, term, time, command);
        }

        return replica;
    }
}
