using System.Text.Json.Serialization;

namespace DistSync.Client.Contracts;

/// <summary>
/// The result of one transaction operation, in the order of the branch that ran. <c>put</c>: <see cref="Version"/>.
/// <c>delete</c>: <see cref="Deleted"/> (keys removed). <c>get</c>: <see cref="Found"/>, and when found
/// <see cref="Value"/>, <see cref="Version"/>, <see cref="CreateVersion"/>, <see cref="SessionId"/>. Members that do
/// not apply to the op are left out of the JSON.
/// </summary>
public sealed record KvTxnOpResult(
    string Op,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Key,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Version = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Deleted = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Found = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Value = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? CreateVersion = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SessionId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Prefix = null);
