using DistSync.Client.Contracts;

namespace DistSync.Client.Recipes;

/// <summary>
/// This session leads an election (<see cref="DistSyncElection.CampaignAsync"/>). It lasts until
/// <see cref="ResignAsync"/> or until the session is lost (<see cref="Lost"/>): then the key is gone, or must be
/// presumed gone, and another candidate may lead.
/// </summary>
public sealed class DistSyncLeadership
{
    private readonly DistSyncElection _election;
    private readonly DistSyncSession _session;
    private readonly CancellationTokenSource _resigned = new();

    internal DistSyncLeadership(DistSyncElection election, DistSyncSession session, KvGetResponse key)
    {
        _election = election;
        _session = session;
        Key = key.Key;
        Value = key.Value;
        CreateVersion = key.CreateVersion;
        // Not disposed: Lost must stay readable for the handle's life, and the link holds only two registrations.
        Lost = CancellationTokenSource.CreateLinkedTokenSource(session.Lost, _resigned.Token).Token;
    }

    public string Election => _election.Name;

    /// <summary>The leader's key, <c>election/{name}/{sessionId}</c>.</summary>
    public string Key { get; }

    public string Value { get; private set; }

    /// <summary>The key's create version: its place in the election.</summary>
    public long CreateVersion { get; }

    public string SessionId => _session.SessionId;

    /// <summary>Cancelled when the leadership ends: the session was lost, or <see cref="ResignAsync"/> was called.</summary>
    public CancellationToken Lost { get; }

    /// <summary>Replaces the leader's value; false when the leadership was already gone.</summary>
    public async Task<bool> ProclaimAsync(string value, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!await _election.ProclaimAsync(Key, CreateVersion, value, SessionId, ct).ConfigureAwait(false)) return false;
        Value = value;
        return true;
    }

    /// <summary>Ends the leadership (deletes the key, if it is still this one); false when it was already gone.</summary>
    public async Task<bool> ResignAsync(CancellationToken ct = default)
    {
        try
        {
            return await _election.TryDeleteAsync(Key, CreateVersion, ct).ConfigureAwait(false);
        }
        finally
        {
            await _resigned.CancelAsync().ConfigureAwait(false);
        }
    }
}
