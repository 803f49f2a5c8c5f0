namespace DistSync.Linearizability.Models;

/// <summary>
/// An operation on one key of the coherent cache (API.md "Cache"): read, write a value, or invalidate (remove
/// every copy and the backing value).
/// </summary>
public sealed record CacheInput(CacheOperationKind Kind, string Key, string? Value)
{
    public static CacheInput Read(string key) => new(CacheOperationKind.Read, key, null);

    public static CacheInput Write(string key, string value) => new(CacheOperationKind.Write, key, value);

    public static CacheInput Invalidate(string key) => new(CacheOperationKind.Invalidate, key, null);

    public override string ToString() => Kind switch
    {
        CacheOperationKind.Read => $"read({Key})",
        CacheOperationKind.Write => $"write({Key}, \"{Value}\")",
        _ => $"invalidate({Key})",
    };
}
