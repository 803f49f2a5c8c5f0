using DistSync.Client.Contracts;

namespace DistSync.Client;

/// <summary>
/// Short names for the compares and operations of a transaction (docs/KV.md), for
/// <see cref="KvTxnBuilder"/>: <c>If(KvTxn.Absent("a")).Then(KvTxn.Put("a", "1"))</c>.
/// </summary>
public static class KvTxn
{
    /// <summary>The key does not exist (its version is 0).</summary>
    public static KvCompare Absent(string key) => new(RequireKey(key), Version: 0);

    /// <summary>The key exists.</summary>
    public static KvCompare Exists(string key) => new(RequireKey(key), Exists: true);

    /// <summary>The key's version compares to <paramref name="version"/> by <paramref name="op"/> (<c>==</c>, <c>!=</c>, <c>&lt;</c>, <c>&gt;</c>).</summary>
    public static KvCompare VersionIs(string key, long version, string op = "==") => new(RequireKey(key), Op(op), Version: version);

    /// <summary>The key's create version compares to <paramref name="createVersion"/> (0 when it does not exist).</summary>
    public static KvCompare CreateVersionIs(string key, long createVersion, string op = "==") => new(RequireKey(key), Op(op), CreateVersion: createVersion);

    /// <summary>The key exists and its value compares to <paramref name="value"/> ordinally.</summary>
    public static KvCompare ValueIs(string key, string value, string op = "==") =>
        new(RequireKey(key), Op(op), Value: value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>Writes the key; with <paramref name="sessionId"/> it is ephemeral.</summary>
    public static KvTxnOp Put(string key, string value, string? sessionId = null) =>
        new("put", RequireKey(key), value ?? throw new ArgumentNullException(nameof(value)), sessionId);

    /// <summary>Deletes the key.</summary>
    public static KvTxnOp Delete(string key) => new("delete", RequireKey(key));

    /// <summary>Deletes every key starting with <paramref name="prefix"/>.</summary>
    public static KvTxnOp DeletePrefix(string prefix) =>
        new("delete", Prefix: string.IsNullOrEmpty(prefix) ? throw new ArgumentException("the prefix is empty", nameof(prefix)) : prefix);

    /// <summary>Reads the key (as of this point of the transaction).</summary>
    public static KvTxnOp Get(string key) => new("get", RequireKey(key));

    private static string RequireKey(string key) =>
        string.IsNullOrEmpty(key) ? throw new ArgumentException("the key is empty", nameof(key)) : key;

    private static string? Op(string op) => op switch
    {
        "==" => null, // the default; left out of the JSON
        "!=" or "<" or ">" => op,
        _ => throw new ArgumentException($"'{op}' is not a compare op (==, !=, <, >)", nameof(op)),
    };
}
