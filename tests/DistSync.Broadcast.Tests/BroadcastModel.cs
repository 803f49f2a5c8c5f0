using System.Text;
using DistSync.Broadcast.Wire;

namespace DistSync.Broadcast.Tests;

/// <summary>
/// The broadcast topics as plainly as they can be said, for the model-based spec: every message ever published per
/// topic with a count of how many were trimmed from its front, and every accepted (clientSeq, seq) of every client in
/// the order applied. No ring, no deadline index, no idle list: those are what the machine is checked for.
/// </summary>
internal sealed class BroadcastModel(BroadcastOptions options)
{
    private readonly SortedDictionary<string, Topic> _topics = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Topic, string ClientId), Client> _clients = [];

    public long NowMs { get; private set; }

    public long TrimmedByCount { get; private set; }

    public long TrimmedByAge { get; private set; }

    public long ClientsForgotten { get; private set; }

    /// <summary>Publishes the model stored although the same (topic, client, clientSeq) had been stored before (its client was forgotten).</summary>
    public long RepublishedAfterForgetting { get; private set; }

    public (BroadcastResult Result, BroadcastMessage? Published) Apply(long term, long timestampMs, BroadcastCommand command)
    {
        NowMs = Math.Max(NowMs, timestampMs);
        var trimmed = 0L;
        foreach (var topic in _topics.Values)
        {
            while (topic.Retained > 0 && topic.All[topic.Trimmed].TimestampMs + options.MaxAgeMs <= NowMs)
            {
                topic.Trimmed++;
                trimmed++;
            }
        }

        TrimmedByAge += trimmed;
        foreach (var key in _clients.Keys.ToList())
        {
            if (_clients[key].LastActiveMs + options.MaxAgeMs <= NowMs)
            {
                _clients.Remove(key);
                ClientsForgotten++;
            }
        }

        return command.CommandCase switch
        {
            BroadcastCommand.CommandOneofCase.Publish => Publish(term, command.Publish),
            BroadcastCommand.CommandOneofCase.Expire => (new BroadcastResult { Expired = new Expired { Trimmed = trimmed } }, null),
            _ => (Invalid("command"), null),
        };
    }

    public IReadOnlyList<TopicInfo> Topics() =>
        _topics.Values.Select(t => new TopicInfo(t.Name, t.Trimmed + 1, t.All.Count, t.All.Count)).ToList();

    public long? NextDeadlineMs()
    {
        var heads = _topics.Values.Where(t => t.Retained > 0).Select(t => t.All[t.Trimmed].TimestampMs + options.MaxAgeMs).ToList();
        return heads.Count == 0 ? null : heads.Min();
    }

    /// <summary>(Gone, FirstSeq, LastSeq, Messages) as <see cref="BroadcastStateMachine.Read"/> must answer.</summary>
    public (bool Gone, long FirstSeq, long LastSeq, IReadOnlyList<BroadcastMessage> Messages) Read(string topic, long from, int max)
    {
        if (!_topics.TryGetValue(topic, out var t))
        {
            return (false, 1, 0, []);
        }

        var first = t.Trimmed + 1;
        if (from < first)
        {
            return (true, first, t.All.Count, []);
        }

        return (false, first, t.All.Count, t.All.Where(m => m.Seq >= from).Take(Math.Clamp(max, 1, 1000)).ToList());
    }

    private (BroadcastResult, BroadcastMessage?) Publish(long term, Publish p)
    {
        var field =
            p.Topic.Length == 0 || Encoding.UTF8.GetByteCount(p.Topic) > options.MaxTopicBytes || p.Topic.Any(char.IsControl) ? "topic"
            : Encoding.UTF8.GetByteCount(p.Payload) > options.MaxPayloadBytes ? "payload"
            : Encoding.UTF8.GetByteCount(p.ClientId) > options.MaxClientIdBytes || p.ClientId.Any(char.IsControl) ? "clientId"
            : p.ClientSeq < 0 || (p.ClientSeq > 0 && p.ClientId.Length == 0) ? "clientSeq"
            : null;
        if (field is not null)
        {
            return (Invalid(field), null);
        }

        var deduped = p.ClientSeq > 0;
        if (deduped && _clients.TryGetValue((p.Topic, p.ClientId), out var client))
        {
            var remembered = client.Applied.Skip(Math.Max(0, client.Applied.Count - options.DedupeWindow)).ToList();
            var forgotten = client.Applied.Take(Math.Max(0, client.Applied.Count - options.DedupeWindow)).ToList();
            if (remembered.FirstOrDefault(a => a.ClientSeq == p.ClientSeq) is { Seq: > 0 } hit)
            {
                return (new BroadcastResult { Published = new Published { Topic = p.Topic, Seq = hit.Seq, Duplicate = true } }, null);
            }

            if (forgotten.Count > 0 && p.ClientSeq <= forgotten.Max(a => a.ClientSeq))
            {
                return (new BroadcastResult { Invalid = new Invalid { Field = "clientSeq", StaleClientSeq = true } }, null);
            }
        }

        if (!_topics.TryGetValue(p.Topic, out var topic))
        {
            topic = new Topic(p.Topic);
            _topics.Add(p.Topic, topic);
        }

        if (deduped && topic.All.Any(m => m.ClientId == p.ClientId && m.ClientSeq == p.ClientSeq))
        {
            RepublishedAfterForgetting++;
        }

        var message = new BroadcastMessage(p.Topic, topic.All.Count + 1, term, NowMs, p.Payload, p.ClientId, p.ClientSeq);
        topic.All.Add(message);
        while (topic.Retained > options.MaxMessages)
        {
            topic.Trimmed++;
            TrimmedByCount++;
        }

        if (deduped)
        {
            if (!_clients.TryGetValue((p.Topic, p.ClientId), out var c))
            {
                c = new Client();
                _clients.Add((p.Topic, p.ClientId), c);
            }

            c.Applied.Add((p.ClientSeq, message.Seq));
            c.LastActiveMs = NowMs;
        }

        return (new BroadcastResult { Published = new Published { Topic = p.Topic, Seq = message.Seq } }, message);
    }

    private static BroadcastResult Invalid(string field) => new() { Invalid = new Invalid { Field = field } };

    private sealed class Topic(string name)
    {
        public string Name { get; } = name;

        public List<BroadcastMessage> All { get; } = [];

        public int Trimmed { get; set; }

        public int Retained => All.Count - Trimmed;
    }

    private sealed class Client
    {
        public List<(long ClientSeq, long Seq)> Applied { get; } = [];

        public long LastActiveMs { get; set; }
    }
}
