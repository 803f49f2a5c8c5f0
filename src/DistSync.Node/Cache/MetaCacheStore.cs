using DistSync.Cache;
using DistSync.KeyValue;
using DistSync.KeyValue.Wire;
using DistSync.Node.Meta;
using DistSync.Raft.Hosting;

namespace DistSync.Node.Cache;

/// <summary>The cache's backing store on a node: the meta group's replicated KV (the same keys as <c>/kv</c>). Reads are
/// linearizable (ReadIndex); writes and deletes are proposals. A call that meets a leader change is tried again until
/// its deadline: a write-back must not be lost to an election (a retried put writes the same value; the line holding
/// it answers no recall until it is done, so nothing newer can be committed in between). Counts its calls (the specs
/// check that a hit makes none).</summary>
public sealed class MetaCacheStore : ICacheStore
{
    private readonly IRaftGroup meta;
    private long reads, writes, deletes;

    public MetaCacheStore(IRaftGroup meta)
    {
        this.meta = meta;
    }

    public long Reads => Interlocked.Read(ref reads);
    public long Writes => Interlocked.Read(ref writes);
    public long Deletes => Interlocked.Read(ref deletes);

    public async Task<StoredValue?> ReadAsync(string key, CancellationToken ct)
    {
        Interlocked.Increment(ref reads);
        var value = await RetryAsync(() => meta.QueryAsync(sm => ((MetaStateMachine)sm).Kv.Get(key), linearizable: true, ct), "read", key, ct)
            .ConfigureAwait(false);
        return value is { } v ? new StoredValue(v.Value, v.Version) : null;
    }

    public async Task<long> WriteAsync(string key, string value, CancellationToken ct)
    {
        Interlocked.Increment(ref writes);
        var result = await ProposeAsync(KvCommands.Put(key, value), key, ct).ConfigureAwait(false);
        return result.ResultCase == KvResult.ResultOneofCase.Written
            ? result.Written.Version
            : throw new CacheStoreUnavailableException($"the KV refused the write of '{key}': {result.ResultCase}");
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken ct)
    {
        Interlocked.Increment(ref deletes);
        var result = await ProposeAsync(KvCommands.Delete(key), key, ct).ConfigureAwait(false);
        return result.ResultCase == KvResult.ResultOneofCase.Deleted
            ? result.Deleted.Existed
            : throw new CacheStoreUnavailableException($"the KV refused the delete of '{key}': {result.ResultCase}");
    }

    private async Task<KvResult> ProposeAsync(KvCommand command, string key, CancellationToken ct)
    {
        var bytes = MetaStateMachine.KvCommand(command);
        var result = await RetryAsync(() => meta.ProposeAsync(bytes, ct), "write", key, ct).ConfigureAwait(false);
        return KvCommands.DecodeResult(result.Span);
    }

    private static async Task<T> RetryAsync<T>(Func<Task<T>> call, string what, string key, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (RaftUnavailableException e)
            {
                if (ct.IsCancellationRequested)
                    throw new CacheStoreUnavailableException($"the KV {what} of '{key}' failed (a write's outcome is unknown): {e.Message}", e);
                // a leader change under way: the next leader takes it
                try
                {
                    await Task.Delay(100, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    throw new CacheStoreUnavailableException($"the KV {what} of '{key}' found no leader in time: {e.Message}", e);
                }
            }
        }
    }
}
