namespace DistSync.Hocon;

/// <summary>One <c>path = value</c> set from outside the files (environment variable or command line).</summary>
/// <param name="Path">HOCON path, e.g. <c>dsync.http.port</c>.</param>
/// <param name="Value">Literal string, or a HOCON array/object when it starts with <c>[</c> or <c>{</c>.</param>
/// <param name="Source">Where it came from, used in error messages.</param>
public sealed record HoconOverride(string Path, string Value, string Source);
