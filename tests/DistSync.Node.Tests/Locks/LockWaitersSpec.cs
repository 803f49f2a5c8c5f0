using DistSync.Locks;
using DistSync.Node.Locks;

namespace DistSync.Node.Tests.Locks;

/// <summary>How a node matches applied wait outcomes to the HTTP requests waiting on it, whatever arrives first.</summary>
public class LockWaitersSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static (LockServiceStateMachine Sm, LockWaiters Waiters) Setup()
    {
        var sm = new LockServiceStateMachine();
        sm.Apply(1, 1, 1_000, LockCommands.CreateSession(60_000));
        sm.Apply(2, 1, 1_000, LockCommands.CreateSession(60_000));
        return (sm, new LockWaiters());
    }

    private static void Apply(LockServiceStateMachine sm, LockWaiters waiters, long index, DistSync.Locks.Wire.LockCommand command) =>
        waiters.OnApplied(command, sm.Apply(index, 1, 1_000 + index, command));

    [Fact]
    public async Task An_outcome_applied_before_the_proposal_answer_arrives_still_reaches_the_waiting_request()
    {
        var (sm, waiters) = Setup();
        Apply(sm, waiters, 3, LockCommands.Acquire("r", "s-1", LockMode.Exclusive));
        var wait = waiters.Register("r", "s-2");

        // 1. the local replica applies the queued acquire and then the release that grants it, before the handler hears back
        Apply(sm, waiters, 4, LockCommands.Acquire("r", "s-2", LockMode.Exclusive, 10_000, "", wait.Token));
        Apply(sm, waiters, 5, LockCommands.Release("r", "s-1"));

        // 2. the proposal's answer (queued as request 4) comes last; the outcome is already there
        waiters.Queued(wait, 4);
        var outcome = Assert.IsType<WaitOutcome>(await wait.Ended.WaitAsync(Patience));
        Assert.Equal((WaitOutcomeKind.Granted, 4L, 5L), (outcome.Kind, outcome.RequestId, outcome.FencingToken));
        waiters.Unregister(wait);
        Assert.Equal(0, waiters.Count);
    }

    [Fact]
    public async Task A_direct_answer_seen_by_the_local_apply_completes_the_wait_and_other_nodes_tokens_are_ignored()
    {
        var (sm, waiters) = Setup();
        var wait = waiters.Register("r", "s-1");

        Apply(sm, waiters, 3, LockCommands.Acquire("r", "s-2", LockMode.Exclusive, 10_000, "", "token-of-another-node"));
        Assert.False(wait.Ended.IsCompleted);
        Apply(sm, waiters, 4, LockCommands.Acquire("q", "s-1", LockMode.Exclusive, 10_000, "", wait.Token));

        Assert.Equal(new LockGranted("q", LockMode.Exclusive, 4), await wait.Ended.WaitAsync(Patience));
    }

    [Fact]
    public async Task Two_requests_that_joined_one_wait_both_get_its_outcome()
    {
        var (sm, waiters) = Setup();
        Apply(sm, waiters, 3, LockCommands.Acquire("r", "s-1", LockMode.Exclusive));
        var first = waiters.Register("r", "s-2");
        var retry = waiters.Register("r", "s-2");
        Apply(sm, waiters, 4, LockCommands.Acquire("r", "s-2", LockMode.Exclusive, 10_000, "", first.Token));
        Apply(sm, waiters, 5, LockCommands.Acquire("r", "s-2", LockMode.Exclusive, 10_000, "", retry.Token));

        Apply(sm, waiters, 6, LockCommands.Expire());
        Assert.False(first.Ended.IsCompleted);
        Apply(sm, waiters, 7, LockCommands.DeleteSession("s-1"));

        Assert.Equal(WaitOutcomeKind.Granted, Assert.IsType<WaitOutcome>(await first.Ended.WaitAsync(Patience)).Kind);
        Assert.Equal(WaitOutcomeKind.Granted, Assert.IsType<WaitOutcome>(await retry.Ended.WaitAsync(Patience)).Kind);
    }

    [Fact]
    public async Task After_a_snapshot_restore_a_wait_that_ended_unseen_is_resolved_from_the_restored_state()
    {
        var (sm, waiters) = Setup();
        Apply(sm, waiters, 3, LockCommands.Acquire("r", "s-1", LockMode.Exclusive));
        var granted = waiters.Register("r", "s-2");
        Apply(sm, waiters, 4, LockCommands.Acquire("r", "s-2", LockMode.Exclusive, 10_000, "", granted.Token));

        // 1. elsewhere the release was applied; this node jumps to a snapshot that includes it
        var leader = new LockServiceStateMachine();
        leader.Restore(sm.Snapshot());
        leader.Apply(5, 1, 1_005, LockCommands.Release("r", "s-1"));
        var restored = new LockServiceStateMachine();
        restored.Restore(leader.Snapshot());
        waiters.OnRestored(restored);

        // 2. the session now holds the lock: the wait ends as granted with the holder's token
        var outcome = Assert.IsType<WaitOutcome>(await granted.Ended.WaitAsync(Patience));
        Assert.Equal((WaitOutcomeKind.Granted, 5L), (outcome.Kind, outcome.FencingToken));
    }

    [Fact]
    public void Sessions_ended_by_an_entry_are_raised()
    {
        var (sm, waiters) = Setup();
        var ended = new List<SessionEnded>();
        waiters.SessionEnded += ended.Add;

        Apply(sm, waiters, 3, LockCommands.DeleteSession("s-1"));
        waiters.OnApplied(LockCommands.Expire(), sm.Apply(4, 1, 1_000 + 60_000, LockCommands.Expire()));

        Assert.Equal([new SessionEnded("s-1", SessionEndReason.Deleted), new SessionEnded("s-2", SessionEndReason.Expired)], ended);
    }
}
