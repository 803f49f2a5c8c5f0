namespace DistSync.Linearizability.Models;

/// <summary>One operation of a transaction branch; <see cref="Key"/> is the prefix of a <see cref="KvTxnOpKind.DeletePrefix"/>.</summary>
public sealed record KvTxnOp(KvTxnOpKind Kind, string Key, string? Value = null)
{
    public static KvTxnOp Put(string key, string value) => new(KvTxnOpKind.Put, key, value);

    public static KvTxnOp Delete(string key) => new(KvTxnOpKind.Delete, key);

    public static KvTxnOp DeletePrefix(string prefix) => new(KvTxnOpKind.DeletePrefix, prefix);

    public static KvTxnOp Get(string key) => new(KvTxnOpKind.Get, key);

    public override string ToString() => Kind switch
    {
        KvTxnOpKind.Put => $"put({Key}, \"{Value}\")",
        KvTxnOpKind.Delete => $"delete({Key})",
        KvTxnOpKind.DeletePrefix => $"delete(prefix \"{Key}\")",
        _ => $"get({Key})",
    };
}
