namespace DistSync.Client.Recipes;

/// <summary>One registered instance of a service: its id, what it registered (an endpoint or metadata), and its key's version and session.</summary>
public sealed record DistSyncServiceInstance(string InstanceId, string Endpoint, long Version, string? SessionId);
