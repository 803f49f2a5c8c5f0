namespace DistSync.Linearizability.Models;

/// <summary>One key of a range answer; <see cref="CreateVersion"/> 0 when not reported.</summary>
public sealed record KvRangeItem(string Key, string Value, long Version, long CreateVersion = 0)
{
    public override string ToString() => $"{Key}=\"{Value}\" v{Version}" + (CreateVersion == 0 ? "" : $" c{CreateVersion}");
}
