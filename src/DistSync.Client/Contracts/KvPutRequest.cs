namespace DistSync.Client.Contracts;

/// <summary>Body of <c>PUT /kv/{key}</c>; <see cref="ExpectedVersion"/> makes it a compare-and-set (0 = must not exist).</summary>
public sealed record KvPutRequest(string? Value, long? ExpectedVersion = null);
