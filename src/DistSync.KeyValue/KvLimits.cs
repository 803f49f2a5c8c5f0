using System.Text;

namespace DistSync.KeyValue;

/// <summary>
/// Input limits of the key-value store. Every replica must use the same limits (they decide results), so they
/// come from the cluster's shared configuration. The HTTP layer checks them before proposing, the state machine
/// again on apply.
/// </summary>
/// <param name="MaxKeyBytes">Longest key, in UTF-8 bytes.</param>
/// <param name="MaxValueBytes">Largest value, in UTF-8 bytes.</param>
public sealed record KvLimits(int MaxKeyBytes, int MaxValueBytes)
{
    public static KvLimits Default { get; } = new(1024, 256 * 1024);

    /// <summary>Throws when the limits themselves are unusable.</summary>
    public void Validate()
    {
        if (MaxKeyBytes is < 1 or > 64 * 1024) throw new ArgumentOutOfRangeException(nameof(MaxKeyBytes), MaxKeyBytes, "the key limit must be 1..65536 bytes");
        if (MaxValueBytes is < 0 or > 64 * 1024 * 1024) throw new ArgumentOutOfRangeException(nameof(MaxValueBytes), MaxValueBytes, "the value limit must be 0..64 MiB");
    }

    /// <summary>Null when <paramref name="key"/> is acceptable, else why not (naming the field).</summary>
    public string? CheckKey(string? key)
    {
        if (string.IsNullOrEmpty(key)) return "field 'key' must not be empty";
        var bytes = Encoding.UTF8.GetByteCount(key);
        if (bytes > MaxKeyBytes) return $"field 'key' is {bytes} bytes; the limit is {MaxKeyBytes}";
        foreach (var c in key)
        {
            // Control characters would make keys unprintable in logs, the CLI and reports.
            if (char.IsControl(c)) return "field 'key' must not contain control characters";
        }
        return null;
    }

    /// <summary>Null when <paramref name="value"/> fits, else why not (naming the field).</summary>
    public string? CheckValue(string? value)
    {
        if (value is null) return "field 'value' is required";
        // Cheap upper bound first: UTF-8 needs at most 3 bytes per UTF-16 char.
        if ((long)value.Length * 3 <= MaxValueBytes) return null;
        var bytes = Encoding.UTF8.GetByteCount(value);
        return bytes > MaxValueBytes ? $"field 'value' is {bytes} bytes; the limit is {MaxValueBytes}" : null;
    }
}
