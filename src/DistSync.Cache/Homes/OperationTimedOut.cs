namespace DistSync.Cache.Homes;

/// <summary>Timer message: operation <see cref="OpId"/> still waits for recall answers.</summary>
internal sealed record OperationTimedOut(ulong OpId);
