namespace DistSync.Client.Contracts;

/// <summary><c>GET /lock/status/{resource}</c> (and each item of <c>GET /lock/list</c>); <c>mode</c> is "none", "shared" or "exclusive".</summary>
public sealed record LockStatusResponse(string Resource, string Mode, IReadOnlyList<LockHolderInfo> Holders, IReadOnlyList<LockWaiterInfo> Waiters);
