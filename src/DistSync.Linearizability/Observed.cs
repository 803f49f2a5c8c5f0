namespace DistSync.Linearizability;

/// <summary>
/// The output a client saw for one operation, or the fact that it saw none (the call timed out or the
/// connection dropped). A model must accept either outcome of an unknown output: it is free to pick the
/// effect that keeps the history linearizable.
/// </summary>
/// <typeparam name="T">The model's output type.</typeparam>
public readonly struct Observed<T> : IEquatable<Observed<T>>
{
    private readonly T _value;

    private Observed(T value)
    {
        _value = value;
        IsKnown = true;
    }

    /// <summary>No output was seen (time-out, lost connection).</summary>
    public static Observed<T> Unknown => default;

    /// <summary>The client saw <paramref name="value"/>.</summary>
    public static Observed<T> Of(T value) => new(value);

    /// <summary>True when the client saw an output.</summary>
    public bool IsKnown { get; }

    /// <summary>The output seen; throws when <see cref="IsKnown"/> is false.</summary>
    public T Value => IsKnown ? _value : throw new InvalidOperationException("The output of this operation is unknown (the call timed out).");

    /// <summary>Gets the output when it is known.</summary>
    public bool TryGetValue(out T value)
    {
        value = _value;
        return IsKnown;
    }

    public bool Equals(Observed<T> other) =>
        IsKnown == other.IsKnown && (!IsKnown || EqualityComparer<T>.Default.Equals(_value, other._value));

    public override bool Equals(object? obj) => obj is Observed<T> other && Equals(other);

    public override int GetHashCode() => IsKnown ? HashCode.Combine(true, _value) : 0;

    public static bool operator ==(Observed<T> left, Observed<T> right) => left.Equals(right);

    public static bool operator !=(Observed<T> left, Observed<T> right) => !left.Equals(right);

    public override string ToString() => IsKnown ? _value?.ToString() ?? "null" : "?";
}
