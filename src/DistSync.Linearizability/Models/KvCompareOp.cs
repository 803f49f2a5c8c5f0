namespace DistSync.Linearizability.Models;

/// <summary>The operator of a <see cref="KvCompare"/>: the key's side is on the left (<c>version &lt; 10</c>).</summary>
public enum KvCompareOp
{
    Equal,
    NotEqual,
    Less,
    Greater,
}
