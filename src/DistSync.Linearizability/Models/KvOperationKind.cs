namespace DistSync.Linearizability.Models;

/// <summary>The operations of <see cref="KvModel"/> (the first three) and <see cref="KvTxnModel"/> (all).</summary>
public enum KvOperationKind
{
    Get,
    Put,
    Delete,

    /// <summary><c>POST /kv/txn</c>: <see cref="KvInput.Txn"/>.</summary>
    Txn,

    /// <summary><c>GET /kv</c>: <see cref="KvInput.Range"/>.</summary>
    Range,

    /// <summary><c>DELETE /kv?prefix=|from=&amp;to=</c>: <see cref="KvInput.Range"/> names the keys.</summary>
    DeleteRange,
}
