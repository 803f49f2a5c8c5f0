namespace DistSync.Actors;

/// <summary>
/// The location of an actor: an <see cref="Address"/> plus path elements (<c>user</c>, <c>a</c>, <c>b</c>).
/// <c>ToString()</c> gives <c>dsync://sys@host:port/user/a/b</c>. Equality is by value.
/// </summary>
public sealed class ActorPath : IEquatable<ActorPath>
{
    private readonly string[] _elements;
    private string? _text;

    public ActorPath(Address address, IEnumerable<string> elements)
    {
        Address = address ?? throw new ArgumentNullException(nameof(address));
        _elements = elements.ToArray();
    }

    private ActorPath(Address address, string[] elements)
    {
        Address = address;
        _elements = elements;
    }

    public static ActorPath Root(Address address) => new(address, Array.Empty<string>());

    public Address Address { get; }

    public IReadOnlyList<string> Elements => _elements;

    /// <summary>The last element, or "" for the root.</summary>
    public string Name => _elements.Length == 0 ? "" : _elements[^1];

    public ActorPath? Parent => _elements.Length == 0 ? null : new ActorPath(Address, _elements[..^1]);

    public ActorPath Child(string name)
    {
        var next = new string[_elements.Length + 1];
        _elements.CopyTo(next, 0);
        next[^1] = name;
        return new ActorPath(Address, next);
    }

    /// <summary>The same elements under another address (e.g. the remoting address of this system).</summary>
    public ActorPath WithAddress(Address address) => new(address, _elements);

    /// <summary><c>/user/a/b</c>, without the address.</summary>
    public string ToStringWithoutAddress() => _elements.Length == 0 ? "/" : "/" + string.Join('/', _elements);

    public override string ToString() => _text ??= Address + ToStringWithoutAddress();

    /// <summary>Parses <c>dsync://sys[@host:port]/user/a</c>.</summary>
    public static ActorPath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            throw new FormatException($"'{text}' is not an actor path: expected 'dsync://system/user/name'.");
        }

        var slash = text.IndexOf('/', schemeEnd + 3);
        Address address;
        try
        {
            address = Address.Parse(slash < 0 ? text : text[..slash]);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"'{text}' is not an actor path: {ex.Message}", ex);
        }

        var elements = slash < 0
            ? Array.Empty<string>()
            : text[(slash + 1)..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        return new ActorPath(address, elements);
    }

    public static bool TryParse(string text, out ActorPath? path)
    {
        try
        {
            path = Parse(text);
            return true;
        }
        catch (FormatException)
        {
            path = null;
            return false;
        }
    }

    public bool Equals(ActorPath? other)
    {
        if (other is null)
        {
            return false;
        }

        if (ReferenceEquals(this, other))
        {
            return true;
        }

        return Address == other.Address && _elements.AsSpan().SequenceEqual(other._elements);
    }

    public override bool Equals(object? obj) => obj is ActorPath p && Equals(p);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Address);
        foreach (var e in _elements)
        {
            hash.Add(e, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    public static bool operator ==(ActorPath? a, ActorPath? b) => a is null ? b is null : a.Equals(b);

    public static bool operator !=(ActorPath? a, ActorPath? b) => !(a == b);
}
