namespace DistSync.Client;

/// <summary>The session helper over the Sessions routes of API.md.</summary>
public sealed partial class DistSyncClient
{
    /// <summary>
    /// Creates a session and keeps it alive in the background until the returned <see cref="DistSyncSession"/> is
    /// disposed (which deletes it): <c>await using var s = await client.StartSessionAsync(TimeSpan.FromSeconds(10));</c>.
    /// Watch <see cref="DistSyncSession.Lost"/> while relying on it.
    /// </summary>
    public async Task<DistSyncSession> StartSessionAsync(TimeSpan ttl, string? clientId = null, CancellationToken ct = default, TimeProvider? time = null)
    {
        if (ttl <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ttl), $"the TTL must be positive, was {ttl}");
        var created = await CreateSessionAsync(ttl, clientId, ct).ConfigureAwait(false);
        return new DistSyncSession(this, created.SessionId, TimeSpan.FromMilliseconds(created.TtlMs), time ?? TimeProvider.System);
    }
}
