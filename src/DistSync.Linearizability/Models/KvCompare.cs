namespace DistSync.Linearizability.Models;

/// <summary>
/// One condition of a <see cref="KvTxn"/>: the key's <see cref="Target"/> compared with <see cref="Number"/>
/// (version, createVersion), <see cref="Text"/> (value) or <see cref="Flag"/> (exists).
/// </summary>
public sealed record KvCompare(string Key, KvCompareTarget Target, KvCompareOp Op, long Number = 0, string? Text = null, bool Flag = false)
{
    public static KvCompare Version(string key, long version, KvCompareOp op = KvCompareOp.Equal) =>
        new(key, KvCompareTarget.Version, op, Number: version);

    public static KvCompare CreateVersion(string key, long createVersion, KvCompareOp op = KvCompareOp.Equal) =>
        new(key, KvCompareTarget.CreateVersion, op, Number: createVersion);

    public static KvCompare Value(string key, string value, KvCompareOp op = KvCompareOp.Equal) =>
        new(key, KvCompareTarget.Value, op, Text: value);

    /// <exception cref="ArgumentException"><paramref name="op"/> is an ordering.</exception>
    public static KvCompare Exists(string key, bool exists, KvCompareOp op = KvCompareOp.Equal) =>
        op is KvCompareOp.Equal or KvCompareOp.NotEqual
            ? new(key, KvCompareTarget.Exists, op, Flag: exists)
            : throw new ArgumentException("exists takes only == and !=.", nameof(op));

    public override string ToString()
    {
        var op = Op switch { KvCompareOp.Equal => "==", KvCompareOp.NotEqual => "!=", KvCompareOp.Less => "<", _ => ">" };
        return Target switch
        {
            KvCompareTarget.Version => $"{Key}.version {op} {Number}",
            KvCompareTarget.CreateVersion => $"{Key}.createVersion {op} {Number}",
            KvCompareTarget.Value => $"{Key}.value {op} \"{Text}\"",
            _ => $"{Key}.exists {op} {(Flag ? "true" : "false")}",
        };
    }
}
