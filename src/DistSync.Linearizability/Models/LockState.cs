namespace DistSync.Linearizability.Models;

/// <summary>
/// The state of one resource in <see cref="LockModel"/>: its holders (sorted by owner) and the smallest fencing
/// token a later grant may carry. Immutable; equality is by value.
/// </summary>
public sealed class LockState : IEquatable<LockState>
{
    private readonly LockHolder[] _holders;
    private readonly int _hash;

    public LockState(IEnumerable<LockHolder> holders, long nextTokenFloor)
    {
        ArgumentNullException.ThrowIfNull(holders);
        _holders = holders.OrderBy(h => h.Owner, StringComparer.Ordinal).ToArray();
        NextTokenFloor = nextTokenFloor;
        var hash = new HashCode();
        hash.Add(nextTokenFloor);
        foreach (var h in _holders)
        {
            hash.Add(h);
        }

        _hash = hash.ToHashCode();
    }

    /// <summary>Nobody holds the resource; no token was granted yet.</summary>
    public static LockState Free { get; } = new([], 1);

    public IReadOnlyList<LockHolder> Holders => _holders;

    /// <summary>Tokens strictly increase across grants, so a later grant's token is at least this.</summary>
    public long NextTokenFloor { get; }

    public bool IsExclusivelyHeld => _holders.Length == 1 && _holders[0].Mode == LockMode.Exclusive;

    public LockHolder? HolderOf(string owner)
    {
        foreach (var h in _holders)
        {
            if (string.Equals(h.Owner, owner, StringComparison.Ordinal))
            {
                return h;
            }
        }

        return null;
    }

    public LockState With(LockHolder holder, long nextTokenFloor) =>
        new(_holders.Where(h => !string.Equals(h.Owner, holder.Owner, StringComparison.Ordinal)).Append(holder), nextTokenFloor);

    public LockState Without(string owner) =>
        HolderOf(owner) is null ? this : new(_holders.Where(h => !string.Equals(h.Owner, owner, StringComparison.Ordinal)), NextTokenFloor);

    public bool Equals(LockState? other) =>
        other is not null && _hash == other._hash && NextTokenFloor == other.NextTokenFloor && _holders.AsSpan().SequenceEqual(other._holders);

    public override bool Equals(object? obj) => Equals(obj as LockState);

    public override int GetHashCode() => _hash;

    public override string ToString()
    {
        var holders = _holders.Length == 0
            ? "free"
            : string.Join(", ", _holders.Select(h =>
                $"{h.Owner} {(h.Mode == LockMode.Shared ? "shared" : "exclusive")} token {(h.FencingToken == 0 ? "?" : h.FencingToken.ToString(System.Globalization.CultureInfo.InvariantCulture))}"));
        return $"{holders}; next token ≥ {NextTokenFloor}";
    }
}
