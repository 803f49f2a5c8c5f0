namespace DistSync.Linearizability.Models;

/// <summary>The operations of <see cref="RegisterModel{TValue}"/>.</summary>
public enum RegisterOperationKind
{
    Read,
    Write,
    CompareAndSet,
}
