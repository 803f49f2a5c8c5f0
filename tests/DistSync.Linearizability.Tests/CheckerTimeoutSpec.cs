using DistSync.Linearizability.Models;
using In = DistSync.Linearizability.Models.RegisterInput<int>;
using Op = DistSync.Linearizability.Operation<DistSync.Linearizability.Models.RegisterInput<int>, DistSync.Linearizability.Models.RegisterOutput<int>>;
using Out = DistSync.Linearizability.Models.RegisterOutput<int>;

namespace DistSync.Linearizability.Tests;

public class CheckerTimeoutSpec
{
    /// <summary>
    /// Forty concurrent writes followed by a read of a value nobody wrote: proving it illegal means trying every
    /// subset of the writes, about 2^40 configurations, so no realistic machine finishes.
    /// </summary>
    private static Op[] ExponentialHistory()
    {
        var ops = new List<Op>();
        for (var i = 1; i <= 40; i++)
        {
            ops.Add(Op.Completed(i, In.Write(i), 0, Out.Written, 100));
        }

        ops.Add(Op.Completed(0, In.Read(), 101, Out.ReadValue(-1), 102));
        return ops.ToArray();
    }

    [Fact]
    public void A_search_that_runs_out_of_time_is_unknown()
    {
        var result = LinearizabilityChecker.Check(new RegisterModel<int>(), ExponentialHistory(), TimeSpan.FromMilliseconds(200));

        Assert.Equal(CheckOutcome.Unknown, result.Outcome);
        Assert.Equal(CheckOutcome.Unknown, result.Partitions.Single().Outcome);
        Assert.StartsWith("Undecided:", result.Explain());
    }

    [Fact]
    public void A_zero_budget_leaves_every_partition_undecided()
    {
        Op[] history = [Op.Completed(1, In.Write(1), 0, Out.Written, 1)];

        var result = LinearizabilityChecker.Check(new RegisterModel<int>(), history, TimeSpan.Zero);

        Assert.Equal(CheckOutcome.Unknown, result.Outcome);
        Assert.Empty(result.Partitions.Single().LongestLinearizablePrefix);
    }

    [Fact]
    public void Cancelling_during_the_search_makes_it_unknown()
    {
        using var cancellation = new CancellationTokenSource();
        var model = new CancellingModel(cancellation, afterSteps: 300);
        var history = SimulatedHistories.Register(seed: 7, clients: 2, operations: 2000, timeoutRate: 0);

        var result = LinearizabilityChecker.Check(model, history, cancellation: cancellation.Token);

        Assert.Equal(CheckOutcome.Unknown, result.Outcome);
        Assert.InRange(result.Partitions.Single().LongestLinearizablePrefix.Count, 1, 1999);
        Assert.True(LinearizabilityChecker.Check(new RegisterModel<int>(), history).IsOk);
    }

    [Fact]
    public void A_negative_timeout_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(
            () => LinearizabilityChecker.Check(new RegisterModel<int>(), Array.Empty<Op>(), TimeSpan.FromSeconds(-5)));
    }

    /// <summary>A register model that cancels the check from inside its N-th step, so the stop lands mid-search.</summary>
    private sealed class CancellingModel(CancellationTokenSource cancellation, int afterSteps) : IModel<int, In, Out>
    {
        private readonly RegisterModel<int> _register = new();
        private int _steps;

        public int Init() => 0;

        public (bool Ok, int Next) Step(int state, In input, Observed<Out> output)
        {
            if (++_steps == afterSteps)
            {
                cancellation.Cancel();
            }

            return _register.Step(state, input, output);
        }
    }
}
