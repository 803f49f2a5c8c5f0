namespace DistSync.Bench;

/// <summary>
/// The key-value operations the kv bench's range, watch and txn phases drive, over plain HTTP, so one phase driver
/// (<see cref="KvPhases"/>) loads DistSync and etcd with the same shapes. Nodes are numbered 0..<see cref="Nodes"/>-1;
/// workers pick theirs round-robin. Failures throw: HttpRequestException for a failed request (status and body in the
/// message), InvalidDataException for an answer that cannot be right.
/// </summary>
internal interface IKvLoadTarget
{
    /// <summary>"DistSync" or "etcd", for the output.</summary>
    string Name { get; }

    int Nodes { get; }

    /// <summary>An unconditional put of <paramref name="key"/> through node <paramref name="node"/>.</summary>
    Task PutAsync(int node, string key, string value, ResponseBuffer buffer, CancellationToken ct);

    /// <summary>A linearizable read of up to <paramref name="limit"/> keys under <paramref name="prefix"/>; how many keys came back.</summary>
    Task<int> RangeAsync(int node, string prefix, int limit, ResponseBuffer buffer, CancellationToken ct);

    /// <summary>
    /// One transaction: if <paramref name="key"/>'s version (the index of its last write; 0 when absent) is
    /// <paramref name="expected"/>, put <paramref name="value"/>, else read the key. Succeeded, and the key's version
    /// after it (the put's, or the current one read by the failure branch).
    /// </summary>
    Task<(bool Succeeded, long Version)> CompareAndSwapAsync(int node, string key, long expected, string value, ResponseBuffer buffer, CancellationToken ct);

    /// <summary>
    /// Watches <paramref name="key"/> through node <paramref name="node"/> from now on until <paramref name="ct"/> is
    /// cancelled: <paramref name="onCreated"/> once the watch is registered (later puts will be seen), then
    /// <paramref name="onPut"/> for each put event with its value and the Stopwatch timestamp at which it was read.
    /// Returns only by cancellation (OperationCanceledException) or a failure; a stream that ends is a failure.
    /// </summary>
    Task WatchAsync(int node, string key, Action onCreated, Action<string, long> onPut, CancellationToken ct);
}
