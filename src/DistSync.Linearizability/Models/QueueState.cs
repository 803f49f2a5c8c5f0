namespace DistSync.Linearizability.Models;

/// <summary>The contents of a FIFO queue, oldest first. Immutable; equality is by value.</summary>
public sealed class QueueState<TValue> : IEquatable<QueueState<TValue>>
{
    private readonly TValue[] _items;
    private readonly IEqualityComparer<TValue> _comparer;
    private readonly int _hash;

    public QueueState(IEnumerable<TValue> items, IEqualityComparer<TValue>? comparer = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        _items = items.ToArray();
        _comparer = comparer ?? EqualityComparer<TValue>.Default;
        var hash = new HashCode();
        foreach (var item in _items)
        {
            hash.Add(item, _comparer);
        }

        _hash = hash.ToHashCode();
    }

    public IReadOnlyList<TValue> Items => _items;

    public int Count => _items.Length;

    public QueueState<TValue> Enqueue(TValue value) => new(_items.Append(value), _comparer);

    public QueueState<TValue> DequeueHead() => new(_items.Skip(1), _comparer);

    public bool Equals(QueueState<TValue>? other)
    {
        if (other is null || other._hash != _hash || other._items.Length != _items.Length)
        {
            return false;
        }

        for (var i = 0; i < _items.Length; i++)
        {
            if (!_comparer.Equals(_items[i], other._items[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as QueueState<TValue>);

    public override int GetHashCode() => _hash;

    public override string ToString() => _items.Length == 0 ? "[]" : "[" + string.Join(", ", _items) + "]";
}
