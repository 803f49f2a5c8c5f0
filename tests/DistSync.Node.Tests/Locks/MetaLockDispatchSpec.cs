using DistSync.Raft;
using DistSync.Locks;
using DistSync.Node.Locks;
using DistSync.Node.Meta;
using DistSync.Raft.Hosting;

namespace DistSync.Node.Tests.Locks;

/// <summary>The meta state machine carries the lock service: envelope field 2, snapshot field 3, its deadlines and Expire.</summary>
public class MetaLockDispatchSpec
{
    private static AppliedEntry Entry(long index, long timeMs, byte[] data, long term = 1) => new(index, term, timeMs, 0, 0, data);

    [Fact]
    public void Lock_commands_apply_through_the_envelope_and_answer_encoded_results()
    {
        var meta = new MetaStateMachine();

        var created = LockResults.Decode(meta.Apply(Entry(1, 1_000, MetaStateMachine.LockCommand(LockCommands.CreateSession(5_000)))).Span);
        var granted = LockResults.Decode(meta.Apply(Entry(2, 1_001, MetaStateMachine.LockCommand(LockCommands.Acquire("r", "s-1", LockMode.Exclusive)))).Span);

        Assert.Equal(new SessionCreated("s-1", 5_000, 6_000), created);
        Assert.Equal(new LockGranted("r", LockMode.Exclusive, 2), granted);
        Assert.Equal(6_000, meta.NextDeadlineMs);
    }

    [Fact]
    public void An_expire_entry_ends_due_sessions_and_reports_them_to_the_nodes_waiters()
    {
        var waiters = new LockWaiters();
        var ended = new List<SessionEnded>();
        waiters.SessionEnded += ended.Add;
        var meta = new MetaStateMachine(lockWaiters: waiters);
        meta.Apply(Entry(1, 1_000, MetaStateMachine.LockCommand(LockCommands.CreateSession(5_000))));
        meta.Apply(Entry(2, 1_001, MetaStateMachine.LockCommand(LockCommands.Acquire("r", "s-1", LockMode.Exclusive))));

        var result = LockResults.Decode(meta.Apply(Entry(3, 6_000, meta.ExpireCommand.ToArray())).Span);

        Assert.Equal(new ExpiryApplied(1, 0), result);
        Assert.Equal([new SessionEnded("s-1", SessionEndReason.Expired)], ended);
        Assert.Null(meta.NextDeadlineMs);
        Assert.Equal("none", meta.Locks.Status("r").ModeName);
    }

    [Fact]
    public void The_entrys_term_reaches_the_lock_service_so_a_new_leaders_first_expire_grants_the_session_grace()
    {
        var meta = new MetaStateMachine();
        meta.Apply(Entry(1, 1_000, MetaStateMachine.LockCommand(LockCommands.CreateSession(5_000))));

        // The session's deadline (6 000) passed while there was no leader; the new leader's Expire is of term 2.
        var result = LockResults.Decode(meta.Apply(Entry(3, 9_000, meta.ExpireCommand.ToArray(), term: 2)).Span);

        Assert.Equal(new ExpiryApplied(0, 0), result);
        Assert.Equal(14_000, meta.NextDeadlineMs);
        Assert.Equal(2, meta.Locks.LastTerm);
    }

    [Fact]
    public void The_snapshot_carries_the_lock_state_and_a_bad_lock_payload_is_refused_as_invalid()
    {
        var meta = new MetaStateMachine();
        meta.Apply(Entry(1, 1_000, MetaStateMachine.LockCommand(LockCommands.CreateSession(5_000))));
        meta.Apply(Entry(2, 1_001, MetaStateMachine.LockCommand(LockCommands.Acquire("r", "s-1", LockMode.Shared))));

        var copy = new MetaStateMachine();
        copy.Restore(meta.Snapshot());

        Assert.Equal(meta.Locks.Snapshot(), copy.Locks.Snapshot());
        Assert.Equal(6_000, copy.NextDeadlineMs);
        var bad = new DistSync.Node.Meta.Wire.MetaCommand { Locks = Google.Protobuf.ByteString.CopyFrom(0xff, 0xff) };
        var refused = Assert.IsType<CommandFailed>(LockResults.Decode(copy.Apply(Entry(3, 1_002, Google.Protobuf.MessageExtensions.ToByteArray(bad))).Span));
        Assert.Equal(LockFailureReason.Invalid, refused.Reason);
    }
}
