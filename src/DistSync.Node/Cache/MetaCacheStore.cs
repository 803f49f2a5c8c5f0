using DistSync.Cache;
using DistSync.KeyValue;
using DistSync.KeyValue.Wire;
using DistSync.Node.Meta;
using DistSync.Raft.Hosting;

namespace DistSync.Node.Cache;

/// <summary>The cache's backing store on a node: the meta group's replicated KV (the same keys as <c>/kv</c>). Reads are
/// linearizable (ReadIndex); writes and deletes are proposals. Counts its calls (the specs check that a hit makes none).</summary>
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
        try
        {
            var value = await meta.QueryAsync(sm => ((MetaStateMachine)sm).Kv.Get(key), linearizable: true, ct).ConfigureAwait(false);
            return value is { } v ? new StoredValue(v.Value, v.Version) : null;
        }
        catch (RaftUnavailableException e)
        {
            throw new CacheStoreUnavailableException($"the KV read of '{key}' failed: {e.Message}", e);
        }
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
        try
        {
            return KvCommands.DecodeResult((await meta.ProposeAsync(MetaStateMachine.KvCommand(command), ct).ConfigureAwait(false)).Span);
        }
        catch (RaftUnavailableException e)
        {
            throw new CacheStoreUnavailableException($"the KV write of '{key}' failed (outcome unknown): {e.Message}", e);
        }
    }
}
