using DistSync.Queues.Wire;

namespace DistSync.Queues;

/// <summary>The partition as a <see cref="QueueSnapshot"/> and back.</summary>
internal sealed partial class QueuePartition
{
    /// <summary>The whole state; equal states give equal snapshots (messages by seq, dedupe ids in log order, fences by name).</summary>
    public QueueSnapshot Export()
    {
        var snapshot = new QueueSnapshot
        {
            LastAppliedIndex = LastAppliedIndex,
            LogTimeMs = NowMs,
            ProducedTotal = ProducedTotal,
            AckedTotal = AckedTotal,
            DeadLetteredTotal = DeadLetteredTotal,
        };

        var seqs = new long[_messages.Count];
        _messages.Keys.CopyTo(seqs, 0);
        Array.Sort(seqs);
        foreach (var seq in seqs)
        {
            var m = _messages[seq];
            snapshot.Messages.Add(new MessageRecord
            {
                Seq = m.Seq,
                MessageId = m.MessageId,
                Key = m.Key,
                Priority = m.Priority,
                Payload = m.Payload,
                DeliveryCount = m.DeliveryCount,
                DeadLetter = m.DeadLetter,
                DeadLetterReason = m.DeadLetterReason,
                ReadyAtMs = m.ReadyAtMs,
                LeaseId = m.LeaseId,
                LeaseDeadlineMs = m.LeaseDeadlineMs,
                SessionId = m.SessionId,
            });
        }

        foreach (var (id, seq, at) in Dedupe.Export())
        {
            snapshot.Dedupe.Add(new DedupeRecord { MessageId = id, Seq = seq, ProducedAtMs = at });
        }

        var resources = new string[_fences.Count];
        _fences.Keys.CopyTo(resources, 0);
        Array.Sort(resources, StringComparer.Ordinal);
        foreach (var resource in resources)
        {
            snapshot.Fences.Add(new FenceRecord { Resource = resource, HighestToken = _fences[resource] });
        }

        return snapshot;
    }

    /// <summary>A partition holding exactly the snapshot's state.</summary>
    /// <exception cref="InvalidDataException">The snapshot contradicts itself (a message twice, a lease in the past, ...).</exception>
    public static QueuePartition Load(QueueSnapshot snapshot, QueueOptions options)
    {
        var p = new QueuePartition(options)
        {
            LastAppliedIndex = snapshot.LastAppliedIndex,
            NowMs = snapshot.LogTimeMs,
            ProducedTotal = snapshot.ProducedTotal,
            AckedTotal = snapshot.AckedTotal,
            DeadLetteredTotal = snapshot.DeadLetteredTotal,
        };
        if (p.LastAppliedIndex < 0 || p.ProducedTotal < 0 || p.AckedTotal < 0 || p.DeadLetteredTotal < 0)
        {
            throw new InvalidDataException("The queue snapshot has a negative index or counter.");
        }

        foreach (var r in snapshot.Messages)
        {
            p.LoadMessage(r);
        }

        if (p._messages.Count != p.ProducedTotal - p.AckedTotal)
        {
            throw new InvalidDataException($"The queue snapshot holds {p._messages.Count} messages, but says {p.ProducedTotal} produced and {p.AckedTotal} acked.");
        }

        foreach (var d in snapshot.Dedupe)
        {
            if (d.MessageId.Length == 0 || d.ProducedAtMs > p.NowMs || p.Dedupe.TryGet(d.MessageId, out _))
            {
                throw new InvalidDataException($"The queue snapshot has a bad or repeated dedupe id \"{d.MessageId}\".");
            }

            p.Dedupe.Add(d.MessageId, d.Seq, d.ProducedAtMs); // throws when out of log order
        }

        foreach (var f in snapshot.Fences)
        {
            if (f.Resource.Length == 0 || f.HighestToken <= 0 || !p._fences.TryAdd(f.Resource, f.HighestToken))
            {
                throw new InvalidDataException($"The queue snapshot has a bad or repeated fence \"{f.Resource}\".");
            }
        }

        return p;
    }

    private void LoadMessage(MessageRecord r)
    {
        if (r.Seq <= 0 || r.Seq > LastAppliedIndex || r.Priority is < 0 or >= SubQueue.Priorities || r.MessageId.Length == 0 || r.DeliveryCount < 0)
        {
            throw new InvalidDataException($"The queue snapshot has a bad message (seq {r.Seq}, priority {r.Priority}, deliveries {r.DeliveryCount}).");
        }

        var m = new QueueMessage(r.Seq, r.MessageId, r.Key, r.Priority, r.Payload)
        {
            DeliveryCount = r.DeliveryCount,
            DeadLetter = r.DeadLetter,
            DeadLetterReason = r.DeadLetterReason,
        };
        if (!_messages.TryAdd(m.Seq, m))
        {
            throw new InvalidDataException($"The queue snapshot lists message {r.Seq} twice.");
        }

        var queue = QueueOf(m);
        if (r.LeaseId != 0)
        {
            // Due leases end before an entry's command, so a snapshot (taken between entries) has none.
            if (r.LeaseId < 0 || r.LeaseId > LastAppliedIndex || r.LeaseDeadlineMs <= NowMs || r.DeliveryCount == 0)
            {
                throw new InvalidDataException($"The queue snapshot has message {r.Seq} leased by {r.LeaseId} until {r.LeaseDeadlineMs} ms, at {NowMs} ms after {r.DeliveryCount} deliveries.");
            }

            m.LeaseId = r.LeaseId;
            m.LeaseDeadlineMs = r.LeaseDeadlineMs;
            m.SessionId = r.SessionId;
            queue.InFlightCount++;
            TrackLease(m);
        }
        else if (r.ReadyAtMs > NowMs)
        {
            queue.AddDelayed(m, r.ReadyAtMs);
        }
        else
        {
            queue.AddReady(m);
        }
    }
}
