namespace DistSync.Linearizability.Models;

/// <summary>An operation on one register: read, write, or compare-and-set.</summary>
public sealed record RegisterInput<TValue>(RegisterOperationKind Kind, TValue Value, TValue Expected)
{
    public static RegisterInput<TValue> Read() => new(RegisterOperationKind.Read, default!, default!);

    public static RegisterInput<TValue> Write(TValue value) => new(RegisterOperationKind.Write, value, default!);

    /// <summary>Sets <paramref name="value"/> if the register holds <paramref name="expected"/>.</summary>
    public static RegisterInput<TValue> CompareAndSet(TValue expected, TValue value) =>
        new(RegisterOperationKind.CompareAndSet, value, expected);

    public override string ToString() => Kind switch
    {
        RegisterOperationKind.Read => "read()",
        RegisterOperationKind.Write => $"write({Value})",
        _ => $"cas({Expected} -> {Value})",
    };
}
