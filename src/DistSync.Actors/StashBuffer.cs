namespace DistSync.Actors;

internal sealed class StashBuffer(ActorCell cell) : IStash
{
    private readonly List<Envelope> _stashed = new();

    public int Count => _stashed.Count;

    public void Stash()
    {
        var current = cell.CurrentEnvelope;
        if (current.Message is null)
        {
            throw new InvalidOperationException("Stash() needs a current message: call it from a message handler.");
        }

        _stashed.Add(current);
    }

    public void Unstash()
    {
        if (_stashed.Count == 0)
        {
            return;
        }

        var first = _stashed[0];
        _stashed.RemoveAt(0);
        cell.Mailbox.Prepend(new[] { first });
    }

    public void UnstashAll()
    {
        if (_stashed.Count == 0)
        {
            return;
        }

        cell.Mailbox.Prepend(_stashed.ToArray());
        _stashed.Clear();
    }

    public void DrainToDeadLetters()
    {
        foreach (var envelope in _stashed)
        {
            cell.System.DeadLetterRef.Deliver(envelope.Message, envelope.Sender, cell.Self);
        }

        _stashed.Clear();
    }
}
