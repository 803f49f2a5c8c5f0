namespace DistSync.KeyValue;

/// <summary>Why a command breaks an input rule: the field (as the HTTP body names it) and the reason;
/// <see cref="TooLarge"/> when it is a size limit (HTTP 413 rather than 400).</summary>
public sealed record KvRuleViolation(string Field, string Message, bool TooLarge = false);
