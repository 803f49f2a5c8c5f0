namespace DistSync.Client.Contracts;

/// <summary><c>POST /session/{id}/keepalive</c> answer: the session now expires in <see cref="ExpiresInMs"/>.</summary>
public sealed record KeepAliveResponse(string SessionId, long ExpiresInMs);
