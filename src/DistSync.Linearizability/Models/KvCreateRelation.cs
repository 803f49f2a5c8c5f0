namespace DistSync.Linearizability.Models;

/// <summary>How a present key's createVersion relates to its version, for pinning unknown ones.</summary>
public enum KvCreateRelation
{
    /// <summary>The last write created the key: createVersion = version.</summary>
    SameAsVersion,

    /// <summary>An earlier write created it: createVersion &lt; version.</summary>
    Earlier,

    /// <summary>Not known (the key was <see cref="KvPresence.Unknown"/> before the last write): createVersion &lt;= version.</summary>
    Unknown,
}
