using System.Runtime.CompilerServices;
using DistSync.Client.Contracts;

namespace DistSync.Client.Recipes;

/// <summary>
/// Leader election among sessions (<see cref="DistSyncClient.Election"/>), after etcd's concurrency package: each
/// candidate puts the ephemeral key <c>election/{name}/{sessionId}</c>, and the key with the lowest create version
/// leads. A candidate waits for the deletes of the keys ahead of it (a range, then a watch from its revision + 1),
/// so leadership passes in campaign order, and a leader whose session ends loses its key in the same entry.
/// </summary>
public sealed class DistSyncElection
{
    private readonly DistSyncClient _client;

    internal DistSyncElection(DistSyncClient client, string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('/')) throw new ArgumentException($"'{name}' is not an election name (non-empty, no '/')", nameof(name));
        _client = client;
        Name = name;
        Prefix = $"election/{name}/";
    }

    public string Name { get; }

    /// <summary>The candidates' keys' prefix: <c>election/{name}/</c>.</summary>
    public string Prefix { get; }

    /// <summary>The key <paramref name="session"/> campaigns with.</summary>
    public string KeyOf(DistSyncSession session) => Prefix + (session ?? throw new ArgumentNullException(nameof(session))).SessionId;

    /// <summary>
    /// Enters the election with <paramref name="value"/> and waits until <paramref name="session"/> leads. A session
    /// already campaigning keeps its place (and its value is replaced). Cancelling withdraws the candidacy.
    /// </summary>
    /// <exception cref="SessionLostException">The session was lost, or its key deleted, before it led.</exception>
    public async Task<DistSyncLeadership> CampaignAsync(DistSyncSession session, string value, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(value);
        var key = KeyOf(session);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, session.Lost);
        long createVersion = 0;
        try
        {
            // Create only if absent (a repeat after a lost answer is harmless), else keep the place in the queue.
            var txn = await RecipeRetry.RunAsync(c => _client.Txn()
                .If(KvTxn.CreateVersionIs(key, 0))
                .Then(KvTxn.Put(key, value, session.SessionId))
                .Else(KvTxn.Get(key))
                .CommitAsync(c), linked.Token).ConfigureAwait(false);
            if (txn.Succeeded) createVersion = txn.Version;
            else
            {
                var existing = txn.Results[0];
                createVersion = existing.CreateVersion ?? throw new InvalidDataException($"the transaction's get of '{key}' has no createVersion");
                if (existing.Value != value) await ProclaimAsync(key, createVersion, value, session.SessionId, linked.Token).ConfigureAwait(false);
            }

            await foreach (var candidates in KvPrefixMirror.FollowAsync(_client, Prefix, linked.Token).ConfigureAwait(false))
            {
                if (!candidates.TryGetValue(key, out var mine) || mine.CreateVersion != createVersion)
                    throw new SessionLostException(session.SessionId, $"its candidate key '{key}' was deleted (the session ended)", session.LostReason);
                if (Leader(candidates)?.Key == key) return new DistSyncLeadership(this, session, mine);
            }
            throw new InvalidOperationException("unreachable: the candidates are followed until a return or a throw");
        }
        catch (OperationCanceledException) when (session.Lost.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new SessionLostException(session.SessionId, "while campaigning", session.LostReason);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Withdraw, or the key would stand in the queue (and block the ones behind it) until the session ends. A
            // cancel during the create may come after it committed: the key is this session's own, so delete it plainly.
            if (createVersion > 0) await RecipeRetry.CleanupAsync(c => TryDeleteAsync(key, createVersion, c)).ConfigureAwait(false);
            else await RecipeRetry.CleanupAsync(c => _client.DeleteAsync(key, c)).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Withdraws <paramref name="session"/>'s candidacy or leadership (deletes its key); false when it had none.</summary>
    public async Task<bool> ResignAsync(DistSyncSession session, CancellationToken ct = default) =>
        await RecipeRetry.RunAsync(c => _client.DeleteAsync(KeyOf(session), c), ct).ConfigureAwait(false);

    /// <summary>The current leader (the candidate with the lowest create version), or null when there is no candidate.</summary>
    public async Task<KvGetResponse?> LeaderAsync(CancellationToken ct = default)
    {
        var candidates = new Dictionary<string, KvGetResponse>(StringComparer.Ordinal);
        await KvPrefixMirror.ReadAsync(_client, KvRange.Prefix(Prefix), candidates, ct).ConfigureAwait(false);
        return Leader(candidates);
    }

    /// <summary>
    /// Each new leader, from the current one on: a yield when the leading key changes (a new session leads) or the
    /// leader's value changes. Runs until <paramref name="ct"/> fires, riding out node failures.
    /// </summary>
    public async IAsyncEnumerable<KvGetResponse> ObserveAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        KvGetResponse? last = null;
        await foreach (var candidates in KvPrefixMirror.FollowAsync(_client, Prefix, ct).ConfigureAwait(false))
        {
            if (Leader(candidates) is not { } leader) continue;
            if (last is not null && last.Key == leader.Key && last.CreateVersion == leader.CreateVersion && last.Value == leader.Value) continue;
            last = leader;
            yield return leader;
        }
    }

    /// <summary>Replaces the value of the leader's key while it is still its own (same create version).</summary>
    internal async Task<bool> ProclaimAsync(string key, long createVersion, string value, string sessionId, CancellationToken ct)
    {
        var txn = await RecipeRetry.RunAsync(c => _client.Txn()
            .If(KvTxn.CreateVersionIs(key, createVersion))
            .Then(KvTxn.Put(key, value, sessionId))
            .CommitAsync(c), ct).ConfigureAwait(false);
        return txn.Succeeded;
    }

    /// <summary>Deletes the key only while it is the same candidacy (same create version); false when it was gone.</summary>
    internal async Task<bool> TryDeleteAsync(string key, long createVersion, CancellationToken ct)
    {
        var txn = await RecipeRetry.RunAsync(c => _client.Txn()
            .If(KvTxn.CreateVersionIs(key, createVersion))
            .Then(KvTxn.Delete(key))
            .CommitAsync(c), ct).ConfigureAwait(false);
        return txn.Succeeded;
    }

    private static KvGetResponse? Leader(IReadOnlyDictionary<string, KvGetResponse> candidates)
    {
        KvGetResponse? leader = null;
        foreach (var kv in candidates.Values)
            if (leader is null || kv.CreateVersion < leader.CreateVersion) leader = kv;
        return leader;
    }
}
