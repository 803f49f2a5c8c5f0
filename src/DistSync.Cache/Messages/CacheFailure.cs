namespace DistSync.Cache.Messages;

/// <summary>A cache request that failed: <see cref="Code"/> is <c>stale-fence</c> (with the highest token seen),
/// <c>unavailable</c> (timeout, unreachable home, backing store down: a write's outcome is unknown) or <c>failed</c>.</summary>
public sealed record CacheFailure(string Code, string Message, long HighestToken = 0)
{
    public const string StaleFence = "stale-fence";
    public const string Unavailable = "unavailable";
    public const string Failed = "failed";
}
