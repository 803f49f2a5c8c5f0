using System.Globalization;

namespace DistSync.Hocon;

/// <summary>Splits "12.5 ms" into a number and a unit; shared by durations and sizes.</summary>
internal static class UnitNumber
{
    public static bool TrySplit(string text, out decimal number, out string unit)
    {
        number = 0;
        unit = string.Empty;
        var span = text.AsSpan().Trim();
        var end = 0;
        if (end < span.Length && (span[end] == '-' || span[end] == '+'))
        {
            end++;
        }

        while (end < span.Length && (char.IsAsciiDigit(span[end]) || span[end] == '.'))
        {
            end++;
        }

        var numberPart = span[..end];
        if (numberPart.Length == 0 || !decimal.TryParse(numberPart, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out number))
        {
            return false;
        }

        unit = span[end..].Trim().ToString();
        return true;
    }
}
