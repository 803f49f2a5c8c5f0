using System.Globalization;

namespace DistSync.Client.Recipes;

/// <summary>
/// A barrier for <see cref="Count"/> participants (<see cref="DistSyncClient.Barrier"/>): each enters with its
/// session (the ephemeral key <c>barriers/{name}/participants/{sessionId}</c>), and once <see cref="Count"/> are in,
/// the first to see it writes the ready marker <c>barriers/{name}/ready</c> with a create-if-absent transaction.
/// The marker is not ephemeral: a participant arriving later passes at once. <see cref="ResetAsync"/> clears it.
/// A participant whose session ends before the barrier opens no longer counts.
/// </summary>
public sealed class DistSyncBarrier
{
    private readonly DistSyncClient _client;

    internal DistSyncBarrier(DistSyncClient client, string name, int count)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('/')) throw new ArgumentException($"'{name}' is not a barrier name (non-empty, no '/')", nameof(name));
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), $"a barrier needs at least 1 participant, was {count}");
        _client = client;
        Name = name;
        Count = count;
        Prefix = $"barriers/{name}/";
        ReadyKey = Prefix + "ready";
        ParticipantsPrefix = Prefix + "participants/";
    }

    public string Name { get; }

    /// <summary>How many participants open the barrier.</summary>
    public int Count { get; }

    public string Prefix { get; }

    /// <summary>The marker that says the barrier opened; its value is the participant count that opened it.</summary>
    public string ReadyKey { get; }

    public string ParticipantsPrefix { get; }

    /// <summary>
    /// Enters <paramref name="session"/> and returns once <see cref="Count"/> participants have entered (at once
    /// when the barrier already opened). Riding out node failures; cancelling leaves the barrier.
    /// </summary>
    /// <exception cref="SessionLostException">The session was lost, or its participant key deleted, before the barrier opened.</exception>
    public async Task EnterAsync(DistSyncSession session, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var mine = ParticipantsPrefix + session.SessionId;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, session.Lost);
        try
        {
            await RecipeRetry.RunAsync(c => _client.PutAsync(mine, "", ct: c, sessionId: session.SessionId), linked.Token).ConfigureAwait(false);
            await foreach (var keys in KvPrefixMirror.FollowAsync(_client, Prefix, linked.Token).ConfigureAwait(false))
            {
                if (keys.ContainsKey(ReadyKey)) return;
                if (!keys.ContainsKey(mine))
                    throw new SessionLostException(session.SessionId, $"its participant key '{mine}' was deleted (the session ended)", session.LostReason);
                var present = 0;
                foreach (var key in keys.Keys)
                    if (key.StartsWith(ParticipantsPrefix, StringComparison.Ordinal)) present++;
                if (present < Count) continue;
                // Whoever writes it first, the marker is written once; a repeat after a lost answer finds it there.
                await RecipeRetry.RunAsync(c => _client.Txn()
                    .If(KvTxn.Absent(ReadyKey))
                    .Then(KvTxn.Put(ReadyKey, present.ToString(CultureInfo.InvariantCulture)))
                    .CommitAsync(c), linked.Token).ConfigureAwait(false);
                return;
            }
        }
        catch (OperationCanceledException) when (session.Lost.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new SessionLostException(session.SessionId, "while waiting at the barrier", session.LostReason);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Leave: a cancel during the put may come after it committed, and the key is this session's own.
            await RecipeRetry.CleanupAsync(c => _client.DeleteAsync(mine, c)).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Whether the barrier has opened.</summary>
    public async Task<bool> IsOpenAsync(CancellationToken ct = default) =>
        await RecipeRetry.RunAsync(c => _client.GetAsync(ReadyKey, ct: c), ct).ConfigureAwait(false) is not null;

    /// <summary>Clears the barrier (its marker and participants) so the name can be used again; returns the keys deleted.</summary>
    public async Task<long> ResetAsync(CancellationToken ct = default) =>
        (await RecipeRetry.RunAsync(c => _client.DeleteRangeAsync(Prefix, c), ct).ConfigureAwait(false)).Deleted;
}
