using DistSync.Linearizability.Models;
using In = DistSync.Linearizability.Models.RegisterInput<int>;
using Out = DistSync.Linearizability.Models.RegisterOutput<int>;

namespace DistSync.Linearizability.Tests;

public class HistoryRecorderSpec
{
    [Fact]
    public void Calls_and_returns_are_stamped_from_the_given_clock()
    {
        long now = 10;
        var recorder = new HistoryRecorder<In, Out>(() => now);

        var write = recorder.Call(1, In.Write(5));
        now = 20;
        var read = recorder.Call(2, In.Read());
        now = 30;
        recorder.Return(read, Out.ReadValue(5));
        now = 40;
        recorder.Return(write, Out.Written);

        var history = recorder.ToHistory();
        Assert.Equal([(10L, 40L), (20L, 30L)], history.Select(o => (o.CallTime, o.ReturnTime)).ToArray());
        Assert.Equal([1, 2], history.Select(o => o.ClientId).ToArray());
        Assert.Equal(Observed<Out>.Of(Out.ReadValue(5)), history[1].Output);
    }

    [Fact]
    public void Timed_out_and_still_pending_calls_have_unknown_outputs()
    {
        var recorder = new HistoryRecorder<In, Out>();

        var timedOut = recorder.Call(1, In.Write(1));
        recorder.TimedOut(timedOut);
        recorder.Call(2, In.Write(2));

        var history = recorder.ToHistory();
        Assert.All(history, o => Assert.True(o.IsOutputUnknown));
        Assert.All(history, o => Assert.Equal(long.MaxValue, o.ReturnTime));
    }

    [Fact]
    public void Completing_a_call_twice_is_an_error()
    {
        var recorder = new HistoryRecorder<In, Out>();
        var call = recorder.Call(1, In.Read());
        recorder.Return(call, Out.ReadValue(0));

        Assert.Throws<InvalidOperationException>(() => recorder.Return(call, Out.ReadValue(0)));
        Assert.Throws<InvalidOperationException>(() => recorder.TimedOut(call));
    }

    [Fact]
    public void A_call_from_another_recorder_is_rejected()
    {
        var mine = new HistoryRecorder<In, Out>();
        var other = new HistoryRecorder<In, Out>();
        var call = other.Call(1, In.Read());

        Assert.Throws<InvalidOperationException>(() => mine.Return(call, Out.ReadValue(0)));
    }

    [Fact]
    public async Task Threads_sharing_a_locked_register_record_a_linearizable_history()
    {
        var recorder = new HistoryRecorder<In, Out>();
        var gate = new object();
        var register = 0;
        const int threads = 4;
        const int perThread = 250;

        var workers = Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            var rng = new Random(t);
            for (var i = 0; i < perThread; i++)
            {
                if (rng.Next(2) == 0)
                {
                    var value = t * 10_000 + i + 1;
                    var call = recorder.Call(t, In.Write(value));
                    lock (gate)
                    {
                        register = value;
                    }

                    recorder.Return(call, Out.Written);
                }
                else
                {
                    var call = recorder.Call(t, In.Read());
                    int seen;
                    lock (gate)
                    {
                        seen = register;
                    }

                    recorder.Return(call, Out.ReadValue(seen));
                }
            }
        })).ToArray();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromMinutes(2));

        var history = recorder.ToHistory();
        Assert.Equal(threads * perThread, recorder.Count);
        var result = LinearizabilityChecker.Check(new RegisterModel<int>(), history, TimeSpan.FromMinutes(2));
        Assert.True(result.IsOk, result.Explain());
    }
}
