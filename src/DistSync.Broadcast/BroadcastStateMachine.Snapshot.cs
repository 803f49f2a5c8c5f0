using DistSync.Broadcast.Wire;
using Google.Protobuf;

namespace DistSync.Broadcast;

/// <summary>The topics as a <see cref="BroadcastSnapshot"/> and back.</summary>
public sealed partial class BroadcastStateMachine
{
    /// <summary>
    /// The retained messages, counters and dedupe state of every topic; equal states give equal bytes (topics and
    /// clients sorted by name, a client's remembered sequence numbers in the order they were applied).
    /// </summary>
    public byte[] Snapshot()
    {
        var snapshot = new BroadcastSnapshot { LastAppliedIndex = LastAppliedIndex, LogTimeMs = LastLogTimeMs };
        var names = new string[_topics.Count];
        _topics.Keys.CopyTo(names, 0);
        Array.Sort(names, StringComparer.Ordinal);
        foreach (var name in names)
        {
            snapshot.Topics.Add(Export(_topics[name]));
        }

        return snapshot.ToByteArray();
    }

    /// <summary>Replaces the whole state with a <see cref="Snapshot"/> (possibly taken on another node).</summary>
    /// <exception cref="InvalidDataException">The bytes are not a consistent broadcast snapshot; the state is then unchanged.</exception>
    public void Restore(ReadOnlySpan<byte> snapshot)
    {
        BroadcastSnapshot parsed;
        try
        {
            parsed = BroadcastSnapshot.Parser.ParseFrom(snapshot);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException("The broadcast snapshot is not valid Protobuf: " + e.Message, e);
        }

        if (parsed.LastAppliedIndex < 0 || parsed.LogTimeMs < 0)
        {
            throw new InvalidDataException($"The broadcast snapshot has index {parsed.LastAppliedIndex} and log time {parsed.LogTimeMs}.");
        }

        var topics = new Dictionary<string, TopicState>(parsed.Topics.Count, StringComparer.Ordinal);
        var byOldest = new SortedSet<(long OldestMs, string Topic)>(OldestFirst.Instance);
        var clients = new List<ClientDedupe>();
        foreach (var record in parsed.Topics)
        {
            var topic = Load(record, parsed.LogTimeMs, clients);
            if (!topics.TryAdd(topic.Name, topic))
            {
                throw new InvalidDataException($"The broadcast snapshot lists topic \"{topic.Name}\" twice.");
            }

            if (topic.Messages.Count > 0)
            {
                topic.IndexedOldestMs = topic.Messages.Oldest.TimestampMs;
                byOldest.Add((topic.Messages.Oldest.TimestampMs, topic.Name));
            }
        }

        // Clients idle equally long are forgotten by the same entry, so their order among themselves is immaterial.
        clients.Sort(static (a, b) =>
        {
            var byTime = a.LastActiveMs.CompareTo(b.LastActiveMs);
            if (byTime != 0)
            {
                return byTime;
            }

            var byTopic = string.CompareOrdinal(a.Topic.Name, b.Topic.Name);
            return byTopic != 0 ? byTopic : string.CompareOrdinal(a.ClientId, b.ClientId);
        });
        var byActivity = new LinkedList<ClientDedupe>();
        foreach (var client in clients)
        {
            client.IdleNode = byActivity.AddLast(client);
        }

        _topics = topics;
        _byOldest = byOldest;
        _byActivity = byActivity;
        LastAppliedIndex = parsed.LastAppliedIndex;
        LastLogTimeMs = parsed.LogTimeMs;
    }

    private static TopicRecord Export(TopicState topic)
    {
        var record = new TopicRecord { Topic = topic.Name, LastSeq = topic.LastSeq };
        for (var i = 0; i < topic.Messages.Count; i++)
        {
            var m = topic.Messages[i];
            record.Messages.Add(new MessageRecord
            {
                Seq = m.Seq,
                Term = m.Term,
                TimestampMs = m.TimestampMs,
                Payload = m.Payload,
                ClientId = m.ClientId,
                ClientSeq = m.ClientSeq,
            });
        }

        var ids = new string[topic.Clients.Count];
        topic.Clients.Keys.CopyTo(ids, 0);
        Array.Sort(ids, StringComparer.Ordinal);
        foreach (var id in ids)
        {
            var client = topic.Clients[id];
            var c = new ClientRecord { ClientId = id, HighestClientSeq = client.HighestClientSeq, Floor = client.Floor, LastActiveMs = client.LastActiveMs };
            foreach (var (clientSeq, seq) in client.Recent())
            {
                c.Recent.Add(new ClientSeqRecord { ClientSeq = clientSeq, Seq = seq });
            }

            record.Clients.Add(c);
        }

        return record;
    }

    /// <exception cref="InvalidDataException">The record contradicts itself or the snapshot's log time.</exception>
    private static TopicState Load(TopicRecord record, long logTimeMs, List<ClientDedupe> clients)
    {
        if (record.Topic.Length == 0 || record.LastSeq < 0 || record.Messages.Count > record.LastSeq)
        {
            throw new InvalidDataException($"The broadcast snapshot has topic \"{record.Topic}\" with last seq {record.LastSeq} and {record.Messages.Count} messages.");
        }

        var topic = new TopicState(record.Topic) { LastSeq = record.LastSeq };
        var expectedSeq = record.LastSeq - record.Messages.Count + 1;
        var previousMs = 0L;
        foreach (var m in record.Messages)
        {
            if (m.Seq != expectedSeq || m.Term < 0 || m.TimestampMs < previousMs || m.TimestampMs > logTimeMs || m.ClientSeq < 0)
            {
                throw new InvalidDataException(
                    $"The broadcast snapshot's topic \"{record.Topic}\" has a bad message (seq {m.Seq} where {expectedSeq} was due, term {m.Term}, at {m.TimestampMs} ms).");
            }

            topic.Messages.Append(new BroadcastMessage(topic.Name, m.Seq, m.Term, m.TimestampMs, m.Payload, m.ClientId, m.ClientSeq));
            expectedSeq++;
            previousMs = m.TimestampMs;
        }

        foreach (var c in record.Clients)
        {
            if (c.ClientId.Length == 0 || c.LastActiveMs < 0 || c.LastActiveMs > logTimeMs || topic.Clients.ContainsKey(c.ClientId))
            {
                throw new InvalidDataException($"The broadcast snapshot's topic \"{record.Topic}\" has a bad or repeated client \"{c.ClientId}\" (last active {c.LastActiveMs} ms).");
            }

            var client = new ClientDedupe(topic, c.ClientId) { LastActiveMs = c.LastActiveMs };
            client.Load(c.HighestClientSeq, c.Floor, Recent(c), topic.LastSeq);
            topic.Clients.Add(client.ClientId, client);
            clients.Add(client);
        }

        return topic;
    }

    private static IEnumerable<(long ClientSeq, long Seq)> Recent(ClientRecord client)
    {
        foreach (var r in client.Recent)
        {
            yield return (r.ClientSeq, r.Seq);
        }
    }
}
