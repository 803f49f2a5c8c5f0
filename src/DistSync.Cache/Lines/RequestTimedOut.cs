namespace DistSync.Cache.Lines;

/// <summary>Timer message: the home has not answered request <see cref="RequestId"/> in time.</summary>
internal sealed record RequestTimedOut(ulong RequestId);
