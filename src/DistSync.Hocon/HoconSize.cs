namespace DistSync.Hocon;

/// <summary>
/// Parses HOCON memory sizes such as <c>64MiB</c>, <c>512k</c> or <c>10 MB</c> into bytes.
/// As in the HOCON specification: <c>K</c>, <c>Ki</c>, <c>KiB</c> (and M, G, T) are powers of two,
/// <c>kB</c>/<c>KB</c>, <c>MB</c>, <c>GB</c>, <c>TB</c> are powers of ten; a bare number means bytes.
/// </summary>
public static class HoconSize
{
    private static readonly Dictionary<string, decimal> UnitBytes = BuildUnits();

    public static long Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryParse(text, out var value))
        {
            throw new FormatException(
                $"'{text}' is not a HOCON size (expected a number with an optional unit: B, K/KiB, KB, M/MiB, MB, G/GiB, GB, T/TiB, TB, e.g. '64MiB').");
        }

        return value;
    }

    public static bool TryParse(string? text, out long value)
    {
        value = 0;
        if (text is null || !UnitNumber.TrySplit(text, out var number, out var unit))
        {
            return false;
        }

        decimal bytesPerUnit;
        if (unit.Length == 0)
        {
            bytesPerUnit = 1m;
        }
        else if (!UnitBytes.TryGetValue(unit, out bytesPerUnit))
        {
            return false;
        }

        try
        {
            var bytes = decimal.Round(number * bytesPerUnit, MidpointRounding.AwayFromZero);
            if (bytes > long.MaxValue || bytes < long.MinValue)
            {
                return false;
            }

            value = (long)bytes;
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    private static Dictionary<string, decimal> BuildUnits()
    {
        var units = new Dictionary<string, decimal>(StringComparer.Ordinal);
        void Add(decimal bytes, params string[] names)
        {
            foreach (var name in names)
            {
                units.Add(name, bytes);
            }
        }

        Add(1m, "B", "b", "byte", "bytes");
        Add(1_000m, "kB", "KB", "kilobyte", "kilobytes");
        Add(1_000_000m, "MB", "megabyte", "megabytes");
        Add(1_000_000_000m, "GB", "gigabyte", "gigabytes");
        Add(1_000_000_000_000m, "TB", "terabyte", "terabytes");
        Add(1024m, "K", "k", "Ki", "KiB", "kibibyte", "kibibytes");
        Add(1024m * 1024, "M", "m", "Mi", "MiB", "mebibyte", "mebibytes");
        Add(1024m * 1024 * 1024, "G", "g", "Gi", "GiB", "gibibyte", "gibibytes");
        Add(1024m * 1024 * 1024 * 1024, "T", "t", "Ti", "TiB", "tebibyte", "tebibytes");
        return units;
    }
}
