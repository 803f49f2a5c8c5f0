namespace DistSync.Linearizability.Models;

/// <summary>The operations of <see cref="KvModel"/>.</summary>
public enum KvOperationKind
{
    Get,
    Put,
    Delete,
}
