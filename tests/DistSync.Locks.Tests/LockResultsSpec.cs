namespace DistSync.Locks.Tests;

public sealed class LockResultsSpec
{
    public static TheoryData<LockCommandResult> EveryResult() =>
    [
        new SessionCreated("s-7", 10_000, 1_010_000),
        new SessionKeptAlive("s-7", 9_000),
        new SessionDeleted("s-7"),
        new LockGranted("r/1", LockMode.Exclusive, 42),
        new LockGranted("r/2", LockMode.Shared, 43),
        new LockQueued(44),
        new LockReleased("r/1"),
        new WaitCancelled(44, true),
        new WaitCancelled(45, false),
        new ExpiryApplied(2, 3),
        new CommandFailed(LockFailureReason.Timeout, "t"),
        new CommandFailed(LockFailureReason.Deadlock, "d"),
        new CommandFailed(LockFailureReason.Deadlock, "d") { Released = ["a", "b/c"] },
        new CommandFailed(LockFailureReason.Conflict, "c"),
        new CommandFailed(LockFailureReason.UnknownSession, "u"),
        new CommandFailed(LockFailureReason.NotHeld, "n"),
        new CommandFailed(LockFailureReason.Invalid, "resource: empty"),
    ];

    [Theory]
    [MemberData(nameof(EveryResult))]
    public void Every_result_survives_encoding_unchanged(LockCommandResult result)
    {
        Assert.Equal(result, LockResults.Decode(LockResults.Encode(result)));
    }

    [Fact]
    public void The_released_resources_of_a_deadlock_are_part_of_the_result_and_survive_encoding()
    {
        var failed = new CommandFailed(LockFailureReason.Deadlock, "d") { Released = ["a", "b"] };

        var decoded = Assert.IsType<CommandFailed>(LockResults.Decode(LockResults.Encode(failed)));

        Assert.Equal(["a", "b"], decoded.Released);
        Assert.NotEqual(failed, failed with { Released = ["a"] });
    }

    [Fact]
    public void Bytes_that_are_not_a_result_are_refused_with_a_clear_error()
    {
        Assert.Throws<InvalidDataException>(() => LockResults.Decode([0xff, 0xff, 0xff]));
        Assert.Throws<InvalidDataException>(() => LockResults.Decode([]));
    }

    [Fact]
    public void The_wait_token_is_ignored_by_the_state_machine()
    {
        var a = new LockServiceStateMachine();
        var b = new LockServiceStateMachine();
        foreach (var sm in new[] { a, b })
        {
            sm.Apply(1, 1, 1000, LockCommands.CreateSession(10_000));
        }

        a.Apply(2, 1, 1001, LockCommands.Acquire("r", "s-1", LockMode.Exclusive, 0, "", "token-a"));
        b.Apply(2, 1, 1001, LockCommands.Acquire("r", "s-1", LockMode.Exclusive, 0, "", "token-b"));

        Assert.Equal(a.Snapshot(), b.Snapshot());
    }
}
