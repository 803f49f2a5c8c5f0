using System.Runtime.CompilerServices;
using DistSync.Client.Contracts;

namespace DistSync.Client.Recipes;

/// <summary>
/// A registry of a service's live instances (<see cref="DistSyncClient.ServiceRegistry"/>): each instance is the
/// ephemeral key <c>services/{service}/{instanceId}</c> of its session, so an instance whose session ends (its
/// process died and stopped the keepalives) leaves the list by itself.
/// </summary>
public sealed class DistSyncServiceRegistry
{
    private readonly DistSyncClient _client;

    internal DistSyncServiceRegistry(DistSyncClient client, string service)
    {
        RequireName(service, nameof(service));
        _client = client;
        Service = service;
        Prefix = $"services/{service}/";
    }

    public string Service { get; }

    /// <summary>The instances' keys' prefix: <c>services/{service}/</c>.</summary>
    public string Prefix { get; }

    /// <summary>
    /// Registers (or updates) <paramref name="instanceId"/> with <paramref name="endpoint"/> (an address, or any
    /// metadata text), bound to <paramref name="session"/>. Repeating it is harmless.
    /// </summary>
    public Task<KvPutResponse> RegisterAsync(DistSyncSession session, string instanceId, string endpoint, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        RequireName(instanceId, nameof(instanceId));
        ArgumentNullException.ThrowIfNull(endpoint);
        return RecipeRetry.RunAsync(c => _client.PutAsync(Prefix + instanceId, endpoint, ct: c, sessionId: session.SessionId), ct);
    }

    /// <summary>Removes <paramref name="instanceId"/>; false when it was not registered.</summary>
    public Task<bool> DeregisterAsync(string instanceId, CancellationToken ct = default)
    {
        RequireName(instanceId, nameof(instanceId));
        return RecipeRetry.RunAsync(c => _client.DeleteAsync(Prefix + instanceId, c), ct);
    }

    /// <summary>The registered instances, ordered by id (a linearizable read).</summary>
    public async Task<IReadOnlyList<DistSyncServiceInstance>> ListAsync(CancellationToken ct = default)
    {
        var keys = new SortedDictionary<string, KvGetResponse>(StringComparer.Ordinal);
        await KvPrefixMirror.ReadAsync(_client, KvRange.Prefix(Prefix), keys, ct).ConfigureAwait(false);
        return Snapshot(keys);
    }

    /// <summary>
    /// The instance list now, and again after each change (a registration, an update, a removal), ordered by id,
    /// until <paramref name="ct"/> fires. Node failures are ridden out; nothing between two lists is missed.
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<DistSyncServiceInstance>> WatchAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var keys in KvPrefixMirror.FollowAsync(_client, Prefix, ct).ConfigureAwait(false)) yield return Snapshot(keys);
    }

    private IReadOnlyList<DistSyncServiceInstance> Snapshot(IReadOnlyDictionary<string, KvGetResponse> keys)
    {
        var list = new List<DistSyncServiceInstance>(keys.Count);
        foreach (var kv in keys.Values) list.Add(new DistSyncServiceInstance(kv.Key[Prefix.Length..], kv.Value, kv.Version, kv.SessionId));
        return list;
    }

    private static void RequireName(string name, string parameter)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('/')) throw new ArgumentException($"'{name}' is not a name (non-empty, no '/')", parameter);
    }
}
