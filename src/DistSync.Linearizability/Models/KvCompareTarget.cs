namespace DistSync.Linearizability.Models;

/// <summary>What a <see cref="KvCompare"/> looks at (docs/KV.md "Transactions").</summary>
public enum KvCompareTarget
{
    /// <summary>The key's version; 0 when it does not exist.</summary>
    Version,

    /// <summary>The version that created the key; 0 when it does not exist.</summary>
    CreateVersion,

    /// <summary>The key's value, ordinally; false for every op when the key does not exist.</summary>
    Value,

    /// <summary>Whether the key exists (only <see cref="KvCompareOp.Equal"/> and <see cref="KvCompareOp.NotEqual"/>).</summary>
    Exists,
}
