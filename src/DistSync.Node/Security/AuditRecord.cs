using System.Text.Json;

namespace DistSync.Node.Security;

/// <summary>One audit line: when, who (the token's subject, or <c>anonymous</c>), from where, what, on which
/// resource, and the outcome (<c>allowed</c> with the HTTP status, or <c>denied</c> with the reason).</summary>
public sealed record AuditRecord(DateTimeOffset Time, string NodeId, string Principal, string Role, string Remote, string Action,
    string Method, string Path, string? Resource, string Outcome, int Status, string? Reason, string RequestId)
{
    public void WriteTo(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("time", Time.UtcDateTime.ToString("O"));
        json.WriteString("node", NodeId);
        json.WriteString("principal", Principal);
        json.WriteString("role", Role);
        json.WriteString("remote", Remote);
        json.WriteString("action", Action);
        json.WriteString("method", Method);
        json.WriteString("path", Path);
        if (Resource is not null) json.WriteString("resource", Resource);
        json.WriteString("outcome", Outcome);
        json.WriteNumber("status", Status);
        if (Reason is not null) json.WriteString("reason", Reason);
        json.WriteString("requestId", RequestId);
        json.WriteEndObject();
    }
}
