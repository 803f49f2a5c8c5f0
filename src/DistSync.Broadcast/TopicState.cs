namespace DistSync.Broadcast;

/// <summary>One topic: its counter, its retained messages and its clients' dedupe state.</summary>
internal sealed class TopicState(string name)
{
    public string Name { get; } = name;

    // Invariant: the retained messages are seqs FirstSeq..LastSeq, contiguous, oldest first, timestamps non-decreasing.
    public long LastSeq { get; set; }

    public MessageRing Messages { get; } = new();

    public Dictionary<string, ClientDedupe> Clients { get; } = new(StringComparer.Ordinal);

    public long FirstSeq => LastSeq - Messages.Count + 1;

    /// <summary>The oldest message's timestamp as the machine's deadline index holds it; null when not indexed.</summary>
    public long? IndexedOldestMs { get; set; }

    public TopicInfo Info() => new(Name, FirstSeq, LastSeq, LastSeq);
}
