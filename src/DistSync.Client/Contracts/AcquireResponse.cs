namespace DistSync.Client.Contracts;

/// <summary><c>POST /lock/acquire</c> answer (200): the mode held and its fencing token (strictly increasing per resource).</summary>
public sealed record AcquireResponse(string Resource, string Mode, long FencingToken);
