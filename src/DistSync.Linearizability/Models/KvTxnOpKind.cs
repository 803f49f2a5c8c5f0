namespace DistSync.Linearizability.Models;

/// <summary>The operations a <see cref="KvTxn"/> branch may run.</summary>
public enum KvTxnOpKind
{
    Put,
    Delete,
    DeletePrefix,
    Get,
}
