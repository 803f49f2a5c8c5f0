using DistSync.Linearizability;
using DistSync.Linearizability.Models;
using ModelMode = DistSync.Linearizability.Models.LockMode;

namespace DistSync.Locks.Tests;

public sealed class LockWorkloadInvariantSpec
{
    [Theory]
    [InlineData(101, 3, 5)]
    [InlineData(102, 4, 6)]
    [InlineData(103, 2, 8)]
    [InlineData(104, 6, 4)]
    [InlineData(105, 1, 6)]
    public void A_seeded_random_workload_keeps_every_invariant_after_every_entry_and_its_history_is_linearizable(int seed, int resources, int sessions)
    {
        var h = new LockHarness();
        var workload = new RandomLockWorkload(seed, resources, sessions);
        var history = new LockHistory();
        var maxToken = new Dictionary<string, long>(StringComparer.Ordinal);
        var seen = new Dictionary<WaitOutcomeKind, int>();
        var deadlocksBefore = 0L;

        for (var step = 0; step < 1_500; step++)
        {
            var (advance, command) = workload.Next(h.Machine);
            h.NowMs += advance;
            var before = Holds(h.Machine);
            var result = h.Apply(command);
            workload.Observe(h.Index, command, result);

            AssertInvariants(h, before, result, maxToken);
            history.Record(h.Index, command, result, before, Holds(h.Machine));
            foreach (var o in result.WaitOutcomes)
            {
                seen[o.Kind] = seen.GetValueOrDefault(o.Kind) + 1;
            }

            Assert.True(h.Machine.DeadlocksDetected >= deadlocksBefore);
            deadlocksBefore = h.Machine.DeadlocksDetected;
        }

        // End every session so every wait ends and the history has no open call.
        foreach (var s in h.Machine.Sessions.All())
        {
            var before = Holds(h.Machine);
            var command = LockCommands.DeleteSession(s.SessionId);
            var result = h.Apply(command);
            AssertInvariants(h, before, result, maxToken);
            history.Record(h.Index, command, result, before, Holds(h.Machine));
        }

        Assert.Empty(h.Machine.List());
        Assert.Equal(0, h.Machine.Locks.WaitCount);
        Assert.Equal(0, h.Machine.Locks.Graph.EdgeCount);

        // The workload must exercise what it claims to check.
        Assert.True(seen.GetValueOrDefault(WaitOutcomeKind.Granted) > 20, $"only {seen.GetValueOrDefault(WaitOutcomeKind.Granted)} queued grants");
        Assert.True(seen.GetValueOrDefault(WaitOutcomeKind.TimedOut) > 5, $"only {seen.GetValueOrDefault(WaitOutcomeKind.TimedOut)} timeouts");

        var check = LinearizabilityChecker.Check(new LockModel(), history.Operations, TimeSpan.FromSeconds(120));
        Assert.True(check.IsOk, check.Explain());
        Assert.True(history.Operations.Count > 500);
    }

    [Fact]
    public void Some_seeded_workload_runs_into_deadlocks_and_still_keeps_every_invariant()
    {
        var deadlocks = 0L;
        for (var seed = 200; seed < 210; seed++)
        {
            var h = new LockHarness();
            var workload = new RandomLockWorkload(seed, resources: 3, maxSessions: 6, txns: 2);
            var maxToken = new Dictionary<string, long>(StringComparer.Ordinal);
            for (var step = 0; step < 800; step++)
            {
                var (advance, command) = workload.Next(h.Machine);
                h.NowMs += advance;
                var before = Holds(h.Machine);
                var result = h.Apply(command);
                workload.Observe(h.Index, command, result);
                AssertInvariants(h, before, result, maxToken);
            }

            deadlocks += h.Machine.DeadlocksDetected;
        }

        Assert.True(deadlocks > 0, "no seed produced a deadlock: the workload does not exercise deadlock detection");
    }

    [Fact]
    public void A_tampered_history_is_caught_by_the_lock_model_so_the_check_above_can_fail()
    {
        var h = new LockHarness();
        var history = new LockHistory();
        var a = h.NewSession();
        var b = h.NewSession();
        var before = Holds(h.Machine);
        var command = LockCommands.Acquire("r", a, Locks.LockMode.Exclusive);
        var result = h.Apply(command);
        history.Record(h.Index, command, result, before, Holds(h.Machine));

        // Pretend b was also granted exclusive while a holds it.
        var forged = LockCommands.Acquire("r", b, Locks.LockMode.Exclusive);
        history.Record(h.Index + 1, forged, new LockApplyResult(new LockGranted("r", Locks.LockMode.Exclusive, h.Index + 1), [], []), Holds(h.Machine), Holds(h.Machine));

        Assert.Equal(CheckOutcome.Illegal, LinearizabilityChecker.Check(new LockModel(), history.Operations, TimeSpan.FromSeconds(30)).Outcome);
    }

    private static Dictionary<(string Resource, string Session), LockHolderStatus> Holds(LockServiceStateMachine machine)
    {
        var holds = new Dictionary<(string, string), LockHolderStatus>();
        foreach (var status in machine.List())
        {
            foreach (var holder in status.Holders)
            {
                holds.Add((status.Resource, holder.SessionId), holder);
            }
        }

        return holds;
    }

    private static void AssertInvariants(
        LockHarness h,
        Dictionary<(string Resource, string Session), LockHolderStatus> before,
        LockApplyResult result,
        Dictionary<string, long> maxToken)
    {
        var machine = h.Machine;
        var waits = 0;
        foreach (var status in machine.List())
        {
            var exclusive = status.Holders.Count(x => x.Mode == Locks.LockMode.Exclusive);
            Assert.True(exclusive == 0 || status.Holders.Count == 1, $"entry {h.Index}: \"{status.Resource}\" has an exclusive holder among {status.Holders.Count}");
            foreach (var holder in status.Holders)
            {
                Assert.NotNull(machine.Sessions.Find(holder.SessionId));
            }

            if (status.Waiters.Count > 0)
            {
                // The head waits only while it conflicts with another session's hold.
                var head = status.Waiters[0];
                Assert.Contains(status.Holders, x => x.SessionId != head.SessionId && (head.Mode == Locks.LockMode.Exclusive || x.Mode == Locks.LockMode.Exclusive));
            }

            foreach (var w in status.Waiters)
            {
                Assert.NotNull(machine.Sessions.Find(w.SessionId));
                Assert.True(w.DeadlineMs > machine.LastLogTimeMs, $"entry {h.Index}: request {w.RequestId} is past its deadline");
            }

            Assert.Equal(status.Waiters.Count, status.Waiters.Select(w => w.SessionId).Distinct().Count());
            waits += status.Waiters.Count;
        }

        Assert.Equal(waits, machine.Locks.WaitCount);
        Assert.Null(machine.Locks.Graph.FindCycle());
        Assert.True(machine.NextDeadlineMs is null || machine.NextDeadlineMs > machine.LastLogTimeMs);

        // Every new grant's token is above every earlier token of its resource; a covered re-acquire repeats its token.
        var grants = new List<(string Resource, string Session, long Token)>();
        if (result.Result is LockGranted g && h.Log[^1].Command.Acquire is { } acquire)
        {
            grants.Add((g.Resource, acquire.SessionId, g.FencingToken));
        }

        grants.AddRange(result.WaitOutcomes.Where(o => o.IsGranted).Select(o => (o.Resource, o.SessionId, o.FencingToken)));
        // The order of grants within one entry is not visible here (an expiry before the command may grant the lock
        // the command then re-acquires), so: every new grant of the entry is above all earlier entries' tokens of its
        // resource, at least the entry's index, and no two new grants of a resource share a token.
        var newTokens = new HashSet<(string, long)>();
        var repeated = new HashSet<(string, string, long)>();
        foreach (var (resource, session, token) in grants)
        {
            if ((before.TryGetValue((resource, session), out var held) && held.FencingToken == token) || !repeated.Add((resource, session, token)))
            {
                continue;
            }

            Assert.True(token >= h.Index && token > maxToken.GetValueOrDefault(resource), $"entry {h.Index}: token {token} on \"{resource}\" after {maxToken.GetValueOrDefault(resource)}");
            Assert.True(newTokens.Add((resource, token)), $"entry {h.Index}: token {token} on \"{resource}\" granted twice");
        }

        foreach (var (resource, token) in newTokens)
        {
            maxToken[resource] = Math.Max(maxToken.GetValueOrDefault(resource), token);
        }
    }

    /// <summary>
    /// The client-visible history of the workload for <see cref="LockModel"/>, with Raft indexes as times: an acquire
    /// is called at its entry and returns at the entry that answers it; releases by session end or deadlock abort
    /// appear as operations at the entry that did them.
    /// </summary>
    private sealed class LockHistory
    {
        private readonly Dictionary<long, List<(int Client, LockInput Input, long Call)>> _open = [];

        public List<Operation<LockInput, LockOutput>> Operations { get; } = [];

        public void Record(
            long index,
            Wire.LockCommand command,
            LockApplyResult result,
            Dictionary<(string Resource, string Session), LockHolderStatus> before,
            Dictionary<(string Resource, string Session), LockHolderStatus> after)
        {
            var explicitRelease = (Resource: (string?)null, Session: (string?)null);
            switch (command.CommandCase)
            {
                case Wire.LockCommand.CommandOneofCase.Acquire:
                    RecordAcquire(index, command.Acquire, result.Result);
                    break;
                case Wire.LockCommand.CommandOneofCase.Release when result.Result is LockReleased or CommandFailed { Reason: LockFailureReason.NotHeld }:
                    var r = command.Release;
                    Completed(ClientOf(r.SessionId), LockInput.Release(r.Resource, r.SessionId), index, LockOutput.Released(result.Result is LockReleased), index);
                    explicitRelease = (r.Resource, r.SessionId);
                    break;
            }

            var ended = new HashSet<string>(StringComparer.Ordinal);
            foreach (var e in result.SessionsEnded)
            {
                ended.Add(e.SessionId);
                Completed(ClientOf(e.SessionId), LockInput.ReleaseAll(e.SessionId), index, LockOutput.SessionEnded, index);
            }

            // Holds lost without a release command or a session end: a deadlock abort.
            foreach (var (resource, session) in before.Keys.Order())
            {
                if (!after.ContainsKey((resource, session)) && !ended.Contains(session) && (resource, session) != explicitRelease)
                {
                    Completed(ClientOf(session), LockInput.Release(resource, session), index, LockOutput.Released(true), index);
                }
            }

            foreach (var o in result.WaitOutcomes)
            {
                if (_open.Remove(o.RequestId, out var calls))
                {
                    foreach (var (client, input, call) in calls)
                    {
                        Completed(client, input, call, o.IsGranted ? LockOutput.Granted(o.FencingToken) : LockOutput.NotGranted, index);
                    }
                }
            }
        }

        private void RecordAcquire(long index, Wire.Acquire acquire, LockCommandResult result)
        {
            var client = ClientOf(acquire.SessionId);
            var input = LockInput.Acquire(acquire.Resource, acquire.SessionId, acquire.Mode == Wire.AcquireMode.Shared ? ModeMode(true) : ModeMode(false));
            switch (result)
            {
                case LockGranted granted:
                    Completed(client, input, index, LockOutput.Granted(granted.FencingToken), index);
                    break;
                case CommandFailed { Reason: LockFailureReason.Conflict or LockFailureReason.Deadlock or LockFailureReason.Timeout }:
                    Completed(client, input, index, LockOutput.NotGranted, index);
                    break;
                case LockQueued queued:
                    if (!_open.TryGetValue(queued.RequestId, out var calls))
                    {
                        calls = [];
                        _open.Add(queued.RequestId, calls);
                    }

                    calls.Add((client, input, index));
                    break;
            }
        }

        private void Completed(int client, LockInput input, long call, LockOutput output, long returned) =>
            Operations.Add(Operation.Completed(client, input, call, output, returned));

        private static ModelMode ModeMode(bool shared) => shared ? ModelMode.Shared : ModelMode.Exclusive;

        private static int ClientOf(string sessionId) =>
            sessionId.StartsWith("s-", StringComparison.Ordinal) && int.TryParse(sessionId.AsSpan(2), out var n) ? n : -1;
    }
}
