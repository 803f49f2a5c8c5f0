namespace DistSync.Persistence.Journal;

/// <summary>
/// Events of one persistence id that are stored all or nothing (one <c>Persist</c> or one <c>PersistAll</c>).
/// The sequence numbers are contiguous and ascending.
/// </summary>
public sealed class AtomicWrite
{
    public AtomicWrite(IReadOnlyList<PersistentRepr> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0) throw new ArgumentException("an atomic write needs at least one event", nameof(events));
        var first = events[0];
        for (var i = 1; i < events.Count; i++)
        {
            var e = events[i];
            if (!string.Equals(e.PersistenceId, first.PersistenceId, StringComparison.Ordinal))
                throw new ArgumentException($"an atomic write holds one persistence id, got '{first.PersistenceId}' and '{e.PersistenceId}'", nameof(events));
            if (e.SequenceNr != first.SequenceNr + i)
                throw new ArgumentException($"sequence numbers of an atomic write must be contiguous: expected {first.SequenceNr + i}, got {e.SequenceNr}", nameof(events));
        }
        Events = events;
    }

    public AtomicWrite(PersistentRepr single) : this(new[] { single })
    {
    }

    public string PersistenceId => Events[0].PersistenceId;

    public long LowestSequenceNr => Events[0].SequenceNr;

    public long HighestSequenceNr => Events[^1].SequenceNr;

    public IReadOnlyList<PersistentRepr> Events { get; }
}
