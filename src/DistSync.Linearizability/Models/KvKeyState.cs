namespace DistSync.Linearizability.Models;

/// <summary>
/// The state of one key in <see cref="KvModel"/>. <see cref="Version"/> is 0 while the current version is
/// unknown (the last write timed out); it is then at least <see cref="VersionFloor"/> and gets pinned by the
/// first read that reports it. <see cref="NextVersionFloor"/> is the smallest version a later write may get:
/// versions of one key only grow (they are Raft indexes).
/// </summary>
public readonly record struct KvKeyState(bool Exists, string? Value, long Version, long VersionFloor, long NextVersionFloor)
{
    public static KvKeyState Absent { get; } = new(false, null, 0, 0, 1);

    public override string ToString()
    {
        if (!Exists)
        {
            return "absent";
        }

        return Version != 0 ? $"\"{Value}\" v{Version}"
            : VersionFloor != 0 ? $"\"{Value}\" v≥{VersionFloor}"
            : $"\"{Value}\"";
    }
}
