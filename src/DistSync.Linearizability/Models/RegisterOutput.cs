namespace DistSync.Linearizability.Models;

/// <summary>
/// The answer to a <see cref="RegisterInput{TValue}"/>: the value read, or whether a compare-and-set swapped.
/// A write's output carries nothing.
/// </summary>
public sealed record RegisterOutput<TValue>(TValue Value, bool Swapped)
{
    public static RegisterOutput<TValue> ReadValue(TValue value) => new(value, false);

    public static RegisterOutput<TValue> Written { get; } = new(default!, false);

    public static RegisterOutput<TValue> CompareAndSetResult(bool swapped) => new(default!, swapped);
}
