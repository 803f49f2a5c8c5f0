using System.Diagnostics;

namespace DistSync.Linearizability;

/// <summary>
/// Records a history while clients run: <c>var call = recorder.Call(client, input); … recorder.Return(call, output)</c>
/// or <c>recorder.TimedOut(call)</c>. Thread-safe. Call it just before sending the request and return just after the
/// answer arrives, so each operation's interval covers its real effect.
/// </summary>
/// <remarks>
/// Times come from <see cref="Stopwatch.GetTimestamp"/> unless a clock is given (a simulator passes its virtual
/// time). Calls still pending when the history is taken count as timed out (unknown output).
/// </remarks>
public sealed class HistoryRecorder<TInput, TOutput>
{
    private static int _nextRecorderId;

    private readonly object _gate = new();
    private readonly List<Slot> _slots = new();
    private readonly Func<long> _clock;
    private readonly int _id = Interlocked.Increment(ref _nextRecorderId);

    /// <param name="clock">A monotonic clock; <see cref="Stopwatch.GetTimestamp"/> when null.</param>
    public HistoryRecorder(Func<long>? clock = null)
    {
        _clock = clock ?? Stopwatch.GetTimestamp;
    }

    /// <summary>Number of calls recorded so far.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _slots.Count;
            }
        }
    }

    /// <summary>Records a call now.</summary>
    public PendingCall Call(int clientId, TInput input)
    {
        lock (_gate)
        {
            // The time is taken under the lock so that recording order and time order agree.
            _slots.Add(new Slot(clientId, input, _clock()));
            return new PendingCall(_id, _slots.Count - 1);
        }
    }

    /// <summary>Records the answer of <paramref name="call"/> now.</summary>
    /// <exception cref="InvalidOperationException">The call was already completed or timed out.</exception>
    public void Return(PendingCall call, TOutput output)
    {
        lock (_gate)
        {
            var slot = Pending(call);
            slot.Output = Observed<TOutput>.Of(output);
            slot.ReturnTime = _clock();
            slot.Done = true;
        }
    }

    /// <summary>Records that <paramref name="call"/> got no answer: it may or may not have taken effect.</summary>
    /// <exception cref="InvalidOperationException">The call was already completed or timed out.</exception>
    public void TimedOut(PendingCall call)
    {
        lock (_gate)
        {
            var slot = Pending(call);
            slot.Done = true;
        }
    }

    /// <summary>The history so far, in call order; pending calls are included with unknown output.</summary>
    public IReadOnlyList<Operation<TInput, TOutput>> ToHistory()
    {
        lock (_gate)
        {
            var ops = new Operation<TInput, TOutput>[_slots.Count];
            for (var i = 0; i < ops.Length; i++)
            {
                var s = _slots[i];
                ops[i] = s.Output.IsKnown
                    ? new Operation<TInput, TOutput>(s.ClientId, s.Input, s.CallTime, s.Output, s.ReturnTime)
                    : Operation<TInput, TOutput>.Unknown(s.ClientId, s.Input, s.CallTime);
            }

            return ops;
        }
    }

    private Slot Pending(PendingCall call)
    {
        if (call.RecorderId != _id || call.Index < 0 || call.Index >= _slots.Count)
        {
            throw new InvalidOperationException("This call was not recorded by this recorder.");
        }

        var slot = _slots[call.Index];
        if (slot.Done)
        {
            throw new InvalidOperationException($"Call {call.Index} of client {slot.ClientId} was already completed or timed out.");
        }

        return slot;
    }

    private sealed class Slot(int clientId, TInput input, long callTime)
    {
        public int ClientId { get; } = clientId;
        public TInput Input { get; } = input;
        public long CallTime { get; } = callTime;
        public Observed<TOutput> Output { get; set; }
        public long ReturnTime { get; set; } = long.MaxValue;
        public bool Done { get; set; }
    }
}
