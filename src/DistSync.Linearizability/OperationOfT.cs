namespace DistSync.Linearizability;

/// <summary>
/// One client operation of a history: who called it, with what input, when it was called, what it returned
/// and when. Times are in any monotonic unit (Stopwatch ticks, simulator steps, event positions) as long as
/// all operations of one history use the same clock.
/// </summary>
/// <remarks>
/// Operation <c>a</c> precedes <c>b</c> in real time only when <c>a.ReturnTime &lt; b.CallTime</c>; equal times
/// count as overlapping, so a coarse clock never produces a false "illegal".
/// A call whose outcome is unknown (<see cref="Unknown"/>) has <see cref="ReturnTime"/> = <see cref="long.MaxValue"/>:
/// it may take effect at any point after its call, or never (it can be linearized after every other operation).
/// </remarks>
public sealed class Operation<TInput, TOutput>
{
    /// <summary>Creates an operation; prefer <see cref="Operation.Completed{TInput,TOutput}"/> and <see cref="Unknown"/>.</summary>
    /// <exception cref="ArgumentException">The return time is before the call time.</exception>
    public Operation(int clientId, TInput input, long callTime, Observed<TOutput> output, long returnTime)
    {
        if (returnTime < callTime)
        {
            throw new ArgumentException(
                $"Operation of client {clientId} returns at {returnTime}, before its call at {callTime}.", nameof(returnTime));
        }

        if (!output.IsKnown && returnTime != long.MaxValue)
        {
            throw new ArgumentException(
                "An operation with an unknown output must have ReturnTime = long.MaxValue (it may take effect at any later time); use Operation<,>.Unknown.",
                nameof(returnTime));
        }

        ClientId = clientId;
        Input = input;
        CallTime = callTime;
        Output = output;
        ReturnTime = returnTime;
    }

    /// <summary>The calling client (a process that issues one operation at a time, by convention).</summary>
    public int ClientId { get; }

    /// <summary>What was asked.</summary>
    public TInput Input { get; }

    /// <summary>When the call was issued.</summary>
    public long CallTime { get; }

    /// <summary>What the client saw, or <see cref="Observed{T}.Unknown"/> for a timed-out call.</summary>
    public Observed<TOutput> Output { get; }

    /// <summary>When the answer arrived; <see cref="long.MaxValue"/> when the output is unknown.</summary>
    public long ReturnTime { get; }

    /// <summary>True when the call timed out and its effect is unknown.</summary>
    public bool IsOutputUnknown => !Output.IsKnown;

    /// <summary>A call that timed out (or whose answer was lost): it may or may not have taken effect.</summary>
    public static Operation<TInput, TOutput> Unknown(int clientId, TInput input, long callTime) =>
        new(clientId, input, callTime, Observed<TOutput>.Unknown, long.MaxValue);

    /// <summary>A call that returned <paramref name="output"/>.</summary>
    public static Operation<TInput, TOutput> Completed(int clientId, TInput input, long callTime, TOutput output, long returnTime) =>
        new(clientId, input, callTime, Observed<TOutput>.Of(output), returnTime);

    public override string ToString() =>
        $"client {ClientId}: {Input} -> {Output} [{CallTime}, {(ReturnTime == long.MaxValue ? "∞" : ReturnTime.ToString(System.Globalization.CultureInfo.InvariantCulture))}]";
}
