using System.Text;

namespace DistSync.KeyValue;

/// <summary>
/// Input limits of the key-value store. Every replica must use the same limits (they decide results and the watch
/// history a snapshot holds), so they come from the cluster's shared configuration. The HTTP layer checks them before
/// proposing, the state machine again on apply.
/// </summary>
/// <param name="MaxKeyBytes">Longest key, in UTF-8 bytes.</param>
/// <param name="MaxValueBytes">Largest value, in UTF-8 bytes.</param>
/// <param name="WatchHistory">How many of the latest changes each replica keeps for watches to start from.</param>
/// <param name="WatchHistoryBytes">The most those retained changes may weigh (UTF-16 size of their strings).</param>
public sealed record KvLimits(int MaxKeyBytes, int MaxValueBytes, int WatchHistory = KvLimits.DefaultWatchHistory,
    long WatchHistoryBytes = KvLimits.DefaultWatchHistoryBytes)
{
    public const int DefaultWatchHistory = 10_000;
    public const long DefaultWatchHistoryBytes = 16L * 1024 * 1024;

    /// <summary>Most compares, and most operations per branch, of one transaction (etcd's default too).</summary>
    public const int MaxTxnOps = 128;

    public static KvLimits Default { get; } = new(1024, 256 * 1024);

    /// <summary>Throws when the limits themselves are unusable.</summary>
    public void Validate()
    {
        if (MaxKeyBytes is < 1 or > 64 * 1024) throw new ArgumentOutOfRangeException(nameof(MaxKeyBytes), MaxKeyBytes, "the key limit must be 1..65536 bytes");
        if (MaxValueBytes is < 0 or > 64 * 1024 * 1024) throw new ArgumentOutOfRangeException(nameof(MaxValueBytes), MaxValueBytes, "the value limit must be 0..64 MiB");
        if (WatchHistory is < 1 or > 10_000_000) throw new ArgumentOutOfRangeException(nameof(WatchHistory), WatchHistory, "the watch history must keep 1..10,000,000 changes");
        if (WatchHistoryBytes is < 1024 or > 4L * 1024 * 1024 * 1024) throw new ArgumentOutOfRangeException(nameof(WatchHistoryBytes), WatchHistoryBytes, "the watch history must weigh 1 KiB..4 GiB");
    }

    /// <summary>Null when <paramref name="key"/> is acceptable, else why not (naming the field).</summary>
    public string? CheckKey(string? key, string field = "key")
    {
        if (string.IsNullOrEmpty(key)) return $"field '{field}' must not be empty";
        var bytes = Encoding.UTF8.GetByteCount(key);
        if (bytes > MaxKeyBytes) return $"field '{field}' is {bytes} bytes; the limit is {MaxKeyBytes}";
        foreach (var c in key)
        {
            // Control characters would make keys unprintable in logs, the CLI and reports.
            if (char.IsControl(c)) return $"field '{field}' must not contain control characters";
        }
        return null;
    }

    /// <summary>Null when <paramref name="value"/> fits, else why not (naming the field).</summary>
    public string? CheckValue(string? value, string field = "value")
    {
        if (value is null) return $"field '{field}' is required";
        // Cheap upper bound first: UTF-8 needs at most 3 bytes per UTF-16 char.
        if ((long)value.Length * 3 <= MaxValueBytes) return null;
        var bytes = Encoding.UTF8.GetByteCount(value);
        return bytes > MaxValueBytes ? $"field '{field}' is {bytes} bytes; the limit is {MaxValueBytes}" : null;
    }

    /// <summary>Null when <paramref name="range"/>'s bounds are acceptable (a prefix may be empty; bounds may be absent).</summary>
    public string? CheckRange(KvKeyRange range)
    {
        if (range.Prefix is { Length: > 0 } p) return CheckKey(p, "prefix");
        if (range.Prefix is not null) return null;
        if (range.From is { } f && CheckKey(f, "from") is { } badFrom) return badFrom;
        return range.To is { } t ? CheckKey(t, "to") : null;
    }
}
