namespace DistSync.Broadcast;

/// <summary>
/// The retained messages of one topic, oldest first, in a growable circular buffer: append at the tail, trim at the
/// head and index by offset are O(1), so trimming costs O(messages trimmed). The buffer halves when it is a quarter
/// full, so a topic that once held many messages does not keep the memory.
/// </summary>
internal sealed class MessageRing
{
    private const int MinCapacity = 8;

    private BroadcastMessage[] _items = new BroadcastMessage[MinCapacity];

    // Invariant: 0 <= _head < _items.Length, 0 <= Count <= _items.Length; item i (oldest = 0) sits at (_head + i) % length.
    private int _head;

    public int Count { get; private set; }

    public BroadcastMessage this[int offset] => _items[(_head + offset) % _items.Length];

    public BroadcastMessage Oldest => _items[_head];

    public void Append(BroadcastMessage message)
    {
        if (Count == _items.Length)
        {
            Resize(_items.Length * 2);
        }

        _items[(_head + Count) % _items.Length] = message;
        Count++;
    }

    public void RemoveOldest()
    {
        _items[_head] = null!;
        _head = (_head + 1) % _items.Length;
        Count--;
        if (Count > 0 && _items.Length > MinCapacity && Count <= _items.Length / 4)
        {
            Resize(_items.Length / 2);
        }
    }

    private void Resize(int capacity)
    {
        var items = new BroadcastMessage[capacity];
        for (var i = 0; i < Count; i++)
        {
            items[i] = this[i];
        }

        _items = items;
        _head = 0;
    }
}
