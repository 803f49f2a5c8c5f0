using DistSync.Linearizability.Models;
using Event = DistSync.Linearizability.HistoryEvent<DistSync.Linearizability.Models.RegisterInput<int>, DistSync.Linearizability.Models.RegisterOutput<int>>;
using In = DistSync.Linearizability.Models.RegisterInput<int>;
using Op = DistSync.Linearizability.Operation<DistSync.Linearizability.Models.RegisterInput<int>, DistSync.Linearizability.Models.RegisterOutput<int>>;
using Out = DistSync.Linearizability.Models.RegisterOutput<int>;

namespace DistSync.Linearizability.Tests;

public class HistoryShapesSpec
{
    [Fact]
    public void Events_become_operations_timed_by_their_position()
    {
        Event[] events =
        [
            Event.Call(1, 100, In.Write(1)),
            Event.Call(2, 200, In.Read()),
            Event.Return(2, 200, Out.ReadValue(0)),
            Event.Return(1, 100, Out.Written),
            Event.Call(3, 300, In.Write(3)),
        ];

        var ops = History.FromEvents(events);

        Assert.Equal([(0L, 3L), (1L, 2L), (4L, long.MaxValue)], ops.Select(o => (o.CallTime, o.ReturnTime)).ToArray());
        Assert.True(ops[2].IsOutputUnknown);
        Assert.Equal(Out.ReadValue(0), ops[1].Output.Value);
    }

    [Theory]
    [InlineData(true, CheckOutcome.Ok)]
    [InlineData(false, CheckOutcome.Illegal)]
    public void Event_histories_are_checked_like_operation_histories(bool readOverlapsWrite, CheckOutcome expected)
    {
        // A read of the old value is fine while the write is in flight, stale once it returned.
        Event[] events = readOverlapsWrite
            ? [Event.Call(1, 1, In.Write(1)), Event.Call(2, 2, In.Read()), Event.Return(1, 1, Out.Written), Event.Return(2, 2, Out.ReadValue(0))]
            : [Event.Call(1, 1, In.Write(1)), Event.Return(1, 1, Out.Written), Event.Call(2, 2, In.Read()), Event.Return(2, 2, Out.ReadValue(0))];

        Assert.Equal(expected, LinearizabilityChecker.CheckEvents(new RegisterModel<int>(), events).Outcome);
    }

    public static TheoryData<string, Event[]> MalformedEvents => new()
    {
        { "without an earlier call", [Event.Return(1, 7, Out.Written)] },
        { "called twice", [Event.Call(1, 7, In.Read()), Event.Call(1, 7, In.Read())] },
        { "returns twice", [Event.Call(1, 7, In.Read()), Event.Return(1, 7, Out.ReadValue(0)), Event.Return(1, 7, Out.ReadValue(0))] },
    };

    [Theory]
    [MemberData(nameof(MalformedEvents))]
    public void Malformed_event_histories_are_rejected_with_the_operation_id(string problem, Event[] events)
    {
        var error = Assert.Throws<ArgumentException>(() => History.FromEvents(events));

        Assert.Contains("operation id 7", error.Message);
        Assert.Contains(problem.Split(' ')[0], error.Message);
    }

    [Fact]
    public void An_operation_cannot_return_before_its_call()
    {
        Assert.Throws<ArgumentException>(() => Op.Completed(1, In.Read(), 10, Out.ReadValue(0), 9));
    }

    [Fact]
    public void An_unknown_output_needs_an_infinite_return_time()
    {
        Assert.Throws<ArgumentException>(() => new Op(1, In.Read(), 10, Observed<Out>.Unknown, 20));
    }

    [Fact]
    public void Operations_without_a_key_go_into_every_partition()
    {
        var ops = new[] { "a", null, "b", "a" }
            .Select((key, i) => Operation.Completed(i, key, i, 0, i))
            .ToArray();

        var parts = HistoryPartitions.ByKey(ops, key => key);

        Assert.Equal(
            [[0, 3, 1], [2, 1]],
            parts.Select(p => p.Select(o => o.ClientId).ToArray()).ToArray());
    }

    [Fact]
    public void An_unknown_output_has_no_value()
    {
        Assert.False(Observed<int>.Unknown.IsKnown);
        Assert.Throws<InvalidOperationException>(() => Observed<int>.Unknown.Value);
        Assert.Equal("?", Observed<int>.Unknown.ToString());
    }

    [Fact]
    public void A_partition_holding_an_operation_not_in_the_history_is_a_model_error()
    {
        var model = new ForgingModel();
        Op[] history = [Op.Completed(1, In.Read(), 0, Out.ReadValue(0), 1)];

        var error = Assert.Throws<InvalidOperationException>(() => LinearizabilityChecker.Check(model, history));
        Assert.Contains("not in the history", error.Message);
    }

    private sealed class ForgingModel : IModel<int, In, Out>
    {
        public int Init() => 0;

        public (bool Ok, int Next) Step(int state, In input, Observed<Out> output) => (true, state);

        public IReadOnlyList<IReadOnlyList<Op>> Partition(IReadOnlyList<Op> history) =>
            [[Op.Completed(1, In.Read(), 0, Out.ReadValue(0), 1)]];
    }
}
