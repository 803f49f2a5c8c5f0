namespace DistSync.Linearizability.Models;

/// <summary>
/// One key of <see cref="KvStoreState"/>. A version of 0 is unknown (a timed-out write): it is then at least its
/// floor and the first read that reports it pins it. With <see cref="KvCreateRelation.SameAsVersion"/> the
/// createVersion is kept equal to the version (both known or both unknown with the same floor).
/// </summary>
public readonly record struct KvEntryState(
    KvPresence Presence, string? Value, long Version, long VersionFloor, long CreateVersion, long CreateFloor, KvCreateRelation Create)
{
    public static KvEntryState Absent { get; } = new(KvPresence.Absent, null, 0, 0, 0, 0, KvCreateRelation.SameAsVersion);

    /// <summary>A key a timed-out transaction may or may not have written.</summary>
    public static KvEntryState Unknown { get; } = new(KvPresence.Unknown, null, 0, 1, 0, 1, KvCreateRelation.Unknown);

    public override string ToString()
    {
        if (Presence != KvPresence.Present)
        {
            return Presence == KvPresence.Absent ? "absent" : "?";
        }

        var version = Version != 0 ? $"v{Version}" : $"v≥{VersionFloor}";
        var create = Create == KvCreateRelation.SameAsVersion ? "" : CreateVersion != 0 ? $" c{CreateVersion}" : $" c≥{CreateFloor}";
        return $"\"{Value}\" {version}{create}";
    }
}
