namespace DistSync.Hocon;

/// <summary>
/// The document parsed but a substitution could not be resolved: a required <c>${path}</c> that names nothing,
/// a cycle of substitutions, or a concatenation of incompatible values. Derives from
/// <see cref="HoconParseException"/> so callers can catch every configuration error in one place.
/// </summary>
public sealed class HoconResolveException : HoconParseException
{
    public HoconResolveException(HoconOrigin origin, string reason)
        : base(origin, reason)
    {
    }
}
