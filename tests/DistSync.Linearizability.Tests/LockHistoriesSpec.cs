using DistSync.Linearizability.Models;
using Op = DistSync.Linearizability.Operation<DistSync.Linearizability.Models.LockInput, DistSync.Linearizability.Models.LockOutput>;

namespace DistSync.Linearizability.Tests;

public class LockHistoriesSpec
{
    private const LockMode X = LockMode.Exclusive;
    private const LockMode S = LockMode.Shared;

    private static Op Grant(int client, string owner, LockMode mode, long token, long call, long ret, string resource = "r") =>
        Op.Completed(client, LockInput.Acquire(resource, owner, mode), call, LockOutput.Granted(token), ret);

    private static Op Refuse(int client, string owner, LockMode mode, long call, long ret) =>
        Op.Completed(client, LockInput.Acquire("r", owner, mode), call, LockOutput.NotGranted, ret);

    private static Op AcquireTimedOut(int client, string owner, LockMode mode, long call) =>
        Op.Unknown(client, LockInput.Acquire("r", owner, mode), call);

    private static Op Release(int client, string owner, bool held, long call, long ret, string resource = "r") =>
        Op.Completed(client, LockInput.Release(resource, owner), call, LockOutput.Released(held), ret);

    private static Op EndSession(int client, string owner, long call, long ret) =>
        Op.Completed(client, LockInput.ReleaseAll(owner), call, LockOutput.SessionEnded, ret);

    public static TheoryData<string, Op[], CheckOutcome> Histories => new()
    {
        { "one exclusive grant", [Grant(1, "s1", X, 1, 0, 1)], CheckOutcome.Ok },
        { "double exclusive grant", [Grant(1, "s1", X, 1, 0, 1), Grant(2, "s2", X, 2, 2, 3)], CheckOutcome.Illegal },
        {
            "concurrent exclusive grants to two owners",
            [Grant(1, "s1", X, 1, 0, 10), Grant(2, "s2", X, 2, 0, 10)],
            CheckOutcome.Illegal
        },
        {
            "exclusive grant after a release",
            [Grant(1, "s1", X, 1, 0, 1), Release(1, "s1", true, 2, 3), Grant(2, "s2", X, 2, 4, 5)],
            CheckOutcome.Ok
        },
        {
            "grant overlapping a release may come after it",
            [Grant(1, "s1", X, 1, 0, 1), Release(1, "s1", true, 2, 10), Grant(2, "s2", X, 2, 3, 12)],
            CheckOutcome.Ok
        },
        { "shared holders together", [Grant(1, "s1", S, 1, 0, 1), Grant(2, "s2", S, 2, 2, 3)], CheckOutcome.Ok },
        { "exclusive while shared is held", [Grant(1, "s1", S, 1, 0, 1), Grant(2, "s2", X, 2, 2, 3)], CheckOutcome.Illegal },
        { "shared while exclusive is held", [Grant(1, "s1", X, 1, 0, 1), Grant(2, "s2", S, 2, 2, 3)], CheckOutcome.Illegal },
        {
            "tokens that do not increase across grants",
            [Grant(1, "s1", X, 5, 0, 1), Release(1, "s1", true, 2, 3), Grant(2, "s2", X, 5, 4, 5)],
            CheckOutcome.Illegal
        },
        {
            "shared grants with equal tokens",
            [Grant(1, "s1", S, 3, 0, 1), Grant(2, "s2", S, 3, 2, 3)],
            CheckOutcome.Illegal
        },
        {
            "re-acquire in the held mode returns the same token",
            [Grant(1, "s1", X, 4, 0, 1), Grant(1, "s1", X, 4, 2, 3)],
            CheckOutcome.Ok
        },
        {
            "re-acquire in the held mode returns a different token",
            [Grant(1, "s1", X, 4, 0, 1), Grant(1, "s1", X, 5, 2, 3)],
            CheckOutcome.Illegal
        },
        {
            "the sole shared holder upgrades to exclusive",
            [Grant(1, "s1", S, 1, 0, 1), Grant(1, "s1", X, 2, 2, 3), Refuse(2, "s2", S, 4, 5)],
            CheckOutcome.Ok
        },
        {
            "upgrade while another shared holder remains",
            [Grant(1, "s1", S, 1, 0, 1), Grant(2, "s2", S, 2, 0, 1), Grant(1, "s1", X, 3, 2, 3)],
            CheckOutcome.Illegal
        },
        { "release of a lock not held claims it was", [Release(1, "s1", true, 0, 1)], CheckOutcome.Illegal },
        { "release of a held lock claims it was not", [Grant(1, "s1", X, 1, 0, 1), Release(1, "s1", false, 2, 3)], CheckOutcome.Illegal },
        {
            "timed-out acquire that took effect blocks others",
            [AcquireTimedOut(1, "s1", X, 0), Release(1, "s1", true, 10, 11), Grant(2, "s2", X, 3, 12, 13)],
            CheckOutcome.Ok
        },
        {
            "timed-out acquire that never took effect",
            [AcquireTimedOut(1, "s1", X, 0), Grant(2, "s2", X, 1, 10, 11)],
            CheckOutcome.Ok
        },
        {
            "timed-out acquire seen held by its release, then another grant overlapped it",
            [AcquireTimedOut(1, "s1", X, 0), Grant(2, "s2", X, 1, 1, 2), Release(1, "s1", true, 3, 4)],
            CheckOutcome.Illegal
        },
        {
            "a timed-out grant uses up a token value",
            [
                Grant(1, "s1", X, 1, 0, 1), Release(1, "s1", true, 2, 3),
                AcquireTimedOut(2, "s2", X, 4), Release(2, "s2", true, 10, 11),
                Grant(3, "s3", X, 2, 12, 13),
            ],
            CheckOutcome.Illegal
        },
        {
            "ending a session frees its locks",
            [Grant(1, "s1", X, 1, 0, 1), EndSession(9, "s1", 2, 3), Grant(2, "s2", X, 2, 4, 5)],
            CheckOutcome.Ok
        },
        {
            "ending a session frees its locks on every resource",
            [Grant(1, "s1", X, 1, 0, 1, "a"), Grant(1, "s1", X, 1, 0, 1, "b"), EndSession(9, "s1", 2, 3), Grant(2, "s2", X, 2, 4, 5, "a"), Grant(2, "s2", X, 2, 4, 5, "b")],
            CheckOutcome.Ok
        },
        {
            "resources are independent",
            [Grant(1, "s1", X, 1, 0, 1, "a"), Grant(2, "s2", X, 1, 0, 1, "b")],
            CheckOutcome.Ok
        },
        { "a refusal of a free lock is accepted (fairness, deadlock detection)", [Refuse(1, "s1", X, 0, 1)], CheckOutcome.Ok },
    };

    [Theory]
    [MemberData(nameof(Histories))]
    public void The_lock_model_judges_lock_histories(string name, Op[] history, CheckOutcome expected)
    {
        var result = LinearizabilityChecker.Check(new LockModel(), history);

        Assert.True(expected == result.Outcome, $"{name}: expected {expected}, got {result.Explain()}");
    }

    [Theory]
    [InlineData(false, CheckOutcome.Ok)]
    [InlineData(true, CheckOutcome.Illegal)]
    public void Strict_refusals_reject_refusing_a_free_lock(bool strict, CheckOutcome expected)
    {
        Op[] history = [Grant(1, "s1", X, 1, 0, 1), Release(1, "s1", true, 2, 3), Refuse(2, "s2", X, 4, 5)];

        Assert.Equal(expected, LinearizabilityChecker.Check(new LockModel(strict), history).Outcome);
    }

    [Fact]
    public void Strict_refusals_accept_refusing_a_held_lock()
    {
        Op[] history = [Grant(1, "s1", X, 1, 0, 1), Refuse(2, "s2", S, 2, 3)];

        Assert.Equal(CheckOutcome.Ok, LinearizabilityChecker.Check(new LockModel(strictRefusals: true), history).Outcome);
    }
}
