using DistSync.Client.Contracts;

namespace DistSync.Client;

/// <summary>
/// Builds one <see cref="KvTxnRequest"/> (<see cref="DistSyncClient.Txn"/>): <see cref="If"/> adds compares,
/// <see cref="Then"/> the success ops, <see cref="Else"/> the failure ops; <see cref="CommitAsync"/> sends it.
/// Each call adds to what was there. Not thread-safe.
/// </summary>
public sealed class KvTxnBuilder
{
    private readonly DistSyncClient? _client;
    private readonly List<KvCompare> _compare = [];
    private readonly List<KvTxnOp> _success = [];
    private readonly List<KvTxnOp> _failure = [];

    /// <summary>A builder that only <see cref="Build"/>s (no client to commit through).</summary>
    public KvTxnBuilder()
    {
    }

    internal KvTxnBuilder(DistSyncClient client) => _client = client;

    public KvTxnBuilder If(params KvCompare[] compares)
    {
        _compare.AddRange(compares);
        return this;
    }

    public KvTxnBuilder Then(params KvTxnOp[] ops)
    {
        _success.AddRange(ops);
        return this;
    }

    public KvTxnBuilder Else(params KvTxnOp[] ops)
    {
        _failure.AddRange(ops);
        return this;
    }

    public KvTxnRequest Build() => new([.. _compare], [.. _success], [.. _failure]);

    /// <summary>Sends the transaction (<see cref="DistSyncClient.TxnAsync"/>).</summary>
    public Task<KvTxnResponse> CommitAsync(CancellationToken ct = default) =>
        _client is null
            ? throw new InvalidOperationException("this builder has no client: use DistSyncClient.Txn(), or send Build() with TxnAsync")
            : _client.TxnAsync(Build(), ct);
}
