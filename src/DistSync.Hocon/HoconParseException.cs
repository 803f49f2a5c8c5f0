namespace DistSync.Hocon;

/// <summary>
/// A HOCON document could not be read. The message starts with <c>file:line:column:</c> so an operator can jump
/// straight to the spot, e.g. <c>hocon/node.conf:12:7: expected '}' ...</c>.
/// </summary>
public class HoconParseException : Exception
{
    public HoconParseException(HoconOrigin origin, string reason)
        : base($"{origin}: {reason}")
    {
        Origin = origin;
        Reason = reason;
    }

    public HoconParseException(HoconOrigin origin, string reason, Exception inner)
        : base($"{origin}: {reason}", inner)
    {
        Origin = origin;
        Reason = reason;
    }

    public HoconOrigin Origin { get; }

    /// <summary>The message without the location prefix.</summary>
    public string Reason { get; }

    public string File => Origin.File;

    public int Line => Origin.Line;

    public int Column => Origin.Column;
}
