namespace DistSync.Linearizability.Models;

/// <summary>
/// One read/write register with compare-and-set. The state is the value. A timed-out write or compare-and-set
/// may or may not have taken effect; a timed-out read constrains nothing.
/// </summary>
public sealed class RegisterModel<TValue> : IModel<TValue, RegisterInput<TValue>, RegisterOutput<TValue>>
{
    private readonly TValue _initial;
    private readonly IEqualityComparer<TValue> _comparer;

    /// <param name="initial">The value before any write (default of <typeparamref name="TValue"/> if omitted).</param>
    /// <param name="comparer">Value equality; the default comparer if omitted.</param>
    public RegisterModel(TValue initial = default!, IEqualityComparer<TValue>? comparer = null)
    {
        _initial = initial;
        _comparer = comparer ?? EqualityComparer<TValue>.Default;
    }

    public TValue Init() => _initial;

    public (bool Ok, TValue Next) Step(TValue state, RegisterInput<TValue> input, Observed<RegisterOutput<TValue>> output)
    {
        switch (input.Kind)
        {
            case RegisterOperationKind.Read:
                return (!output.IsKnown || _comparer.Equals(output.Value.Value, state), state);
            case RegisterOperationKind.Write:
                return (true, input.Value);
            case RegisterOperationKind.CompareAndSet:
                var matches = _comparer.Equals(state, input.Expected);
                if (output.IsKnown && output.Value.Swapped != matches)
                {
                    return (false, state);
                }

                return (true, matches ? input.Value : state);
            default:
                throw new ArgumentOutOfRangeException(nameof(input), input.Kind, "Unknown register operation.");
        }
    }

    public bool StateEquals(TValue left, TValue right) => _comparer.Equals(left, right);

    public int StateHash(TValue state) => state is null ? 0 : _comparer.GetHashCode(state);

    public string DescribeOperation(RegisterInput<TValue> input, Observed<RegisterOutput<TValue>> output)
    {
        if (!output.IsKnown)
        {
            return $"{input} -> ? (timed out)";
        }

        return input.Kind switch
        {
            RegisterOperationKind.Read => $"{input} -> {output.Value.Value}",
            RegisterOperationKind.Write => $"{input} -> ok",
            _ => $"{input} -> {(output.Value.Swapped ? "swapped" : "not swapped")}",
        };
    }

    public string DescribeState(TValue state) => state?.ToString() ?? "null";
}
