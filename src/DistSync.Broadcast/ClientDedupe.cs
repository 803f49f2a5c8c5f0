namespace DistSync.Broadcast;

/// <summary>
/// The dedupe state of one client on one topic: the seq of each of its last <see cref="BroadcastOptions.DedupeWindow"/>
/// accepted client sequence numbers, and the highest one forgotten (<see cref="Floor"/>).
/// </summary>
/// <remarks>
/// A client's sequence numbers need not arrive in order (concurrent publishes), so "recent" means recently applied,
/// not numerically close: the oldest applied is forgotten first. A repeat of a remembered one is a duplicate; any other
/// at or below <see cref="Floor"/> may have been published and forgotten, so it is stale (also when, in fact, it never
/// was: the state cannot tell); any other is new.
/// </remarks>
internal sealed class ClientDedupe(TopicState topic, string clientId)
{
    private readonly Dictionary<long, long> _seqByClientSeq = [];
    private readonly Queue<long> _applied = new();

    public TopicState Topic { get; } = topic;

    public string ClientId { get; } = clientId;

    public long HighestClientSeq { get; private set; }

    // Invariant: 0 <= Floor <= HighestClientSeq, and every clientSeq remembered is in 1..HighestClientSeq. One may be at
    // or below Floor (3 applied after 5, then 5 forgotten): it is still a duplicate, as the lookup comes first.
    public long Floor { get; private set; }

    /// <summary>Log time of the client's last accepted publish on the topic.</summary>
    public long LastActiveMs { get; set; }

    /// <summary>This client's place in the machine's list of clients by <see cref="LastActiveMs"/>.</summary>
    public LinkedListNode<ClientDedupe>? IdleNode { get; set; }

    public int Count => _applied.Count;

    public bool TryGetSeq(long clientSeq, out long seq) => _seqByClientSeq.TryGetValue(clientSeq, out seq);

    /// <summary>Remembers an accepted publish, forgetting the oldest beyond <paramref name="window"/>.</summary>
    public void Record(long clientSeq, long seq, int window)
    {
        _seqByClientSeq.Add(clientSeq, seq);
        _applied.Enqueue(clientSeq);
        HighestClientSeq = Math.Max(HighestClientSeq, clientSeq);
        while (_applied.Count > window)
        {
            var forgotten = _applied.Dequeue();
            _seqByClientSeq.Remove(forgotten);
            Floor = Math.Max(Floor, forgotten);
        }
    }

    /// <summary>The remembered (clientSeq, seq) pairs in the order they were applied.</summary>
    public IEnumerable<(long ClientSeq, long Seq)> Recent()
    {
        foreach (var clientSeq in _applied)
        {
            yield return (clientSeq, _seqByClientSeq[clientSeq]);
        }
    }

    /// <summary>Rebuilds the state a snapshot recorded.</summary>
    /// <exception cref="InvalidDataException">The record contradicts itself.</exception>
    public void Load(long highestClientSeq, long floor, IEnumerable<(long ClientSeq, long Seq)> recent, long lastSeq)
    {
        if (highestClientSeq < 1 || floor < 0 || floor > highestClientSeq)
        {
            throw new InvalidDataException($"Snapshot client \"{ClientId}\" of topic \"{Topic.Name}\" has highest client seq {highestClientSeq} and floor {floor}.");
        }

        HighestClientSeq = highestClientSeq;
        Floor = floor;
        foreach (var (clientSeq, seq) in recent)
        {
            if (clientSeq < 1 || clientSeq > highestClientSeq || seq < 1 || seq > lastSeq || !_seqByClientSeq.TryAdd(clientSeq, seq))
            {
                throw new InvalidDataException($"Snapshot client \"{ClientId}\" of topic \"{Topic.Name}\" has a bad or repeated client seq {clientSeq} (seq {seq}).");
            }

            _applied.Enqueue(clientSeq);
        }

        if (_applied.Count == 0)
        {
            throw new InvalidDataException($"Snapshot client \"{ClientId}\" of topic \"{Topic.Name}\" remembers no client seq.");
        }
    }
}
