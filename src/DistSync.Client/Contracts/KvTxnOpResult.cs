namespace DistSync.Client.Contracts;

/// <summary>
/// The result of one transaction operation, in the order of the branch that ran. <c>put</c>: <see cref="Version"/>.
/// <c>delete</c>: <see cref="Deleted"/> (keys removed). <c>get</c>: <see cref="Found"/>, and when found
/// <see cref="Value"/>, <see cref="Version"/>, <see cref="CreateVersion"/>, <see cref="SessionId"/>.
/// </summary>
public sealed record KvTxnOpResult(string Op, string? Key, long? Version = null, long? Deleted = null, bool? Found = null,
    string? Value = null, long? CreateVersion = null, string? SessionId = null, string? Prefix = null);
