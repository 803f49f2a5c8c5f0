using System.Text;
using DistSync.Broadcast.Wire;
using Google.Protobuf;

namespace DistSync.Broadcast;

/// <summary>
/// The replicated state of the broadcast topics, hosted by the meta Raft group: a total order per topic with
/// gap-free sequence numbers, idempotent publishes and retention by count and age. Pure: no clock, no threads, no IO,
/// no randomness: every input is an entry's Raft index, term, leader-stamped log time and <see cref="BroadcastCommand"/>,
/// so replicas applying the same log hold the same state and give the same results, byte for byte. Not thread-safe:
/// one owner applies entries and answers reads.
/// </summary>
/// <remarks>
/// <para><b>Time.</b> The machine's clock (<see cref="LastLogTimeMs"/>) is the largest log time applied, starting at 0;
/// a message's <see cref="BroadcastMessage.TimestampMs"/> is that clock at its entry. Before every command, whatever is
/// due at the entry's log time ends: every topic drops the messages whose timestamp is <see cref="BroadcastOptions.MaxAgeMs"/>
/// or more behind, and clients that published nothing for that long lose their dedupe state. So no result depends on
/// whether an <see cref="Expire"/> came first; the host proposes one when its clock reaches <see cref="NextDeadlineMs"/>
/// only so that an idle topic is still trimmed on time.</para>
/// <para><b>Retention.</b> A topic keeps at most <see cref="BroadcastOptions.MaxMessages"/>; a publish beyond that
/// trims the oldest. Only a prefix is ever trimmed, so the retained seqs are contiguous. A topic is never forgotten:
/// with nothing retained it keeps its counter (FirstSeq = LastSeq + 1), so seqs never restart.</para>
/// <para><b>Dedupe.</b> A publish with a client id and a client seq above 0 is applied once per (topic, client id,
/// client seq): a repeat answers the first seq with duplicate = true and stores nothing. A topic remembers the last
/// <see cref="BroadcastOptions.DedupeWindow"/> client seqs applied per client; a repeat of a client seq at or below the
/// highest one forgotten answers <see cref="Invalid"/> with <see cref="Invalid.StaleClientSeq"/> set and a message
/// starting "stale client sequence" (<see cref="BroadcastCommands.StaleClientSequence"/>). A client idle for MaxAgeMs of
/// log time is forgotten altogether: a retry after that is published again.</para>
/// <para><b>Bad input</b> gets an <see cref="Invalid"/> result naming the field and stores nothing (time still passes,
/// as for every entry). Apply throws only when the host applies an entry out of order (a bug that must stop the group).</para>
/// </remarks>
public sealed partial class BroadcastStateMachine
{
    /// <summary>Most messages one <see cref="Read"/> returns (API.md: max 1..1000).</summary>
    public const int MaxReadBatch = 1_000;

    private Dictionary<string, TopicState> _topics = new(StringComparer.Ordinal);

    // Invariant: holds (oldest retained timestamp, name) of exactly the topics that retain a message.
    private SortedSet<(long OldestMs, string Topic)> _byOldest = new(OldestFirst.Instance);

    // Invariant: every client of every topic, by LastActiveMs ascending (log time never goes back, so appending keeps it sorted).
    private LinkedList<ClientDedupe> _byActivity = new();

    public BroadcastStateMachine(BroadcastOptions? options = null)
    {
        Options = options ?? BroadcastOptions.Default;
        Options.Validate();
    }

    public BroadcastOptions Options { get; }

    /// <summary>The index of the last applied entry (0 before the first).</summary>
    public long LastAppliedIndex { get; private set; }

    /// <summary>The machine's clock: the largest log time applied (0 before the first entry).</summary>
    public long LastLogTimeMs { get; private set; }

    /// <summary>
    /// The log time at which the oldest retained message of any topic reaches <see cref="BroadcastOptions.MaxAgeMs"/>
    /// and is trimmed (null when no topic retains a message): the host proposes <see cref="BroadcastCommands.Expire"/> then.
    /// </summary>
    public long? NextDeadlineMs => _byOldest.Count == 0 ? null : DeadlineOf(_byOldest.Min.OldestMs);

    /// <summary>Applies one committed command.</summary>
    /// <param name="index">The entry's Raft index; strictly greater than every index applied before (gaps are fine: other meta entries sit between).</param>
    /// <param name="term">The entry's Raft term, stored with a published message.</param>
    /// <param name="timestampMs">The leader's clock stamped on the entry.</param>
    /// <exception cref="ArgumentOutOfRangeException">The index is not after <see cref="LastAppliedIndex"/> (a host bug); nothing changed.</exception>
    public BroadcastApplied Apply(long index, long term, long timestampMs, BroadcastCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (index <= LastAppliedIndex)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Entry {index} is not after the last applied entry {LastAppliedIndex}.");
        }

        LastAppliedIndex = index;
        var trimmed = Advance(timestampMs);
        switch (command.CommandCase)
        {
            case BroadcastCommand.CommandOneofCase.Publish:
                return Publish(term, command.Publish);
            case BroadcastCommand.CommandOneofCase.Expire:
                return Answer(new BroadcastResult { Expired = new Expired { Trimmed = trimmed } });
            default:
                return Invalid("command", "The entry carries no broadcast command.");
        }
    }

    /// <summary>The retained messages of <paramref name="topic"/> with seq &gt;= <paramref name="from"/>, in order.</summary>
    /// <param name="from">1 or more. Above LastSeq: an empty list. Below the retained range: <see cref="BroadcastGone"/>.</param>
    /// <param name="max">Clamped to 1..<see cref="MaxReadBatch"/>.</param>
    /// <returns>For a topic never published to: an empty list with FirstSeq 1 and LastSeq 0.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="from"/> is below 1.</exception>
    public BroadcastReadResult Read(string topic, long from, int max)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(from, 1);
        if (!_topics.TryGetValue(topic, out var t))
        {
            return new BroadcastMessages([], 1, 0);
        }

        var first = t.FirstSeq;
        if (from < first)
        {
            return new BroadcastGone(first);
        }

        var count = (int)Math.Min(Math.Clamp(max, 1, MaxReadBatch), Math.Max(0, t.LastSeq - from + 1));
        var messages = new BroadcastMessage[count];
        var offset = (int)(from - first);
        for (var i = 0; i < count; i++)
        {
            messages[i] = t.Messages[offset + i];
        }

        return new BroadcastMessages(messages, first, t.LastSeq);
    }

    /// <summary>Every topic ever published to, sorted by name (ordinal).</summary>
    public IReadOnlyList<TopicInfo> Topics()
    {
        var names = new string[_topics.Count];
        _topics.Keys.CopyTo(names, 0);
        Array.Sort(names, StringComparer.Ordinal);
        var infos = new TopicInfo[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            infos[i] = _topics[names[i]].Info();
        }

        return infos;
    }

    /// <summary>The topic's counters, or null when it was never published to.</summary>
    public TopicInfo? Topic(string topic) => _topics.TryGetValue(topic, out var t) ? t.Info() : null;

    /// <summary>Moves the clock to the entry's log time and ends what is due then; returns the messages trimmed.</summary>
    private long Advance(long timestampMs)
    {
        LastLogTimeMs = Math.Max(LastLogTimeMs, timestampMs);
        var cutoff = LastLogTimeMs - Options.MaxAgeMs; // a timestamp at or below it is MaxAgeMs old
        long trimmed = 0;
        while (_byOldest.Count > 0 && _byOldest.Min.OldestMs <= cutoff)
        {
            var topic = _topics[_byOldest.Min.Topic];
            while (topic.Messages.Count > 0 && topic.Messages.Oldest.TimestampMs <= cutoff)
            {
                topic.Messages.RemoveOldest();
                trimmed++;
            }

            Reindex(topic);
        }

        while (_byActivity.First is { } idle && idle.Value.LastActiveMs <= cutoff)
        {
            _byActivity.RemoveFirst();
            idle.Value.Topic.Clients.Remove(idle.Value.ClientId);
        }

        return trimmed;
    }

    private BroadcastApplied Publish(long term, Publish publish)
    {
        if (Check(publish) is { } invalid)
        {
            return invalid;
        }

        var deduped = publish.ClientSeq > 0;
        _topics.TryGetValue(publish.Topic, out var topic);
        ClientDedupe? client = null;
        if (deduped && topic is not null && topic.Clients.TryGetValue(publish.ClientId, out client))
        {
            if (client.TryGetSeq(publish.ClientSeq, out var firstSeq))
            {
                return Answer(new BroadcastResult { Published = new Published { Topic = topic.Name, Seq = firstSeq, Duplicate = true } });
            }

            if (publish.ClientSeq <= client.Floor)
            {
                return Stale(publish, client);
            }
        }

        if (topic is null)
        {
            topic = new TopicState(publish.Topic);
            _topics.Add(topic.Name, topic);
        }

        var message = new BroadcastMessage(topic.Name, topic.LastSeq + 1, term, LastLogTimeMs, publish.Payload, publish.ClientId, publish.ClientSeq);
        topic.LastSeq = message.Seq;
        topic.Messages.Append(message);
        while (topic.Messages.Count > Options.MaxMessages)
        {
            topic.Messages.RemoveOldest();
        }

        Reindex(topic);
        if (deduped)
        {
            if (client is null)
            {
                client = new ClientDedupe(topic, publish.ClientId);
                topic.Clients.Add(client.ClientId, client);
            }

            client.Record(publish.ClientSeq, message.Seq, Options.DedupeWindow);
            Touch(client);
        }

        return new BroadcastApplied(
            new BroadcastResult { Published = new Published { Topic = topic.Name, Seq = message.Seq } }.ToByteArray(),
            message);
    }

    private BroadcastApplied? Check(Publish publish)
    {
        if (CheckName(publish.Topic, Options.MaxTopicBytes, "topic", required: true) is { } badTopic)
        {
            return Invalid("topic", badTopic);
        }

        // UTF-8 needs at most 3 bytes per UTF-16 char: count only when that bound is over the limit.
        if ((long)publish.Payload.Length * 3 > Options.MaxPayloadBytes && Encoding.UTF8.GetByteCount(publish.Payload) is var bytes && bytes > Options.MaxPayloadBytes)
        {
            return Invalid("payload", $"payload is {bytes} bytes; the limit is {Options.MaxPayloadBytes}.");
        }

        if (CheckName(publish.ClientId, Options.MaxClientIdBytes, "clientId", required: false) is { } badClient)
        {
            return Invalid("clientId", badClient);
        }

        if (publish.ClientSeq < 0)
        {
            return Invalid("clientSeq", $"clientSeq must be 0 (no dedupe) or positive, was {publish.ClientSeq}.");
        }

        if (publish.ClientSeq > 0 && publish.ClientId.Length == 0)
        {
            return Invalid("clientSeq", $"clientSeq {publish.ClientSeq} needs a clientId.");
        }

        return null;
    }

    private static string? CheckName(string name, int maxBytes, string field, bool required)
    {
        if (name.Length == 0)
        {
            return required ? $"{field} must not be empty." : null;
        }

        if ((long)name.Length * 3 > maxBytes && Encoding.UTF8.GetByteCount(name) is var bytes && bytes > maxBytes)
        {
            return $"{field} is {bytes} bytes; the limit is {maxBytes}.";
        }

        foreach (var c in name)
        {
            // Control characters would make names unprintable in logs, metrics labels and the CLI.
            if (char.IsControl(c))
            {
                return $"{field} must not contain control characters.";
            }
        }

        return null;
    }

    /// <summary>Puts the topic's oldest retained timestamp into <see cref="_byOldest"/> (or takes the topic out when it retains nothing).</summary>
    private void Reindex(TopicState topic)
    {
        long? oldest = topic.Messages.Count > 0 ? topic.Messages.Oldest.TimestampMs : null;
        if (oldest == topic.IndexedOldestMs)
        {
            return;
        }

        if (topic.IndexedOldestMs is { } indexed)
        {
            _byOldest.Remove((indexed, topic.Name));
        }

        if (oldest is { } ms)
        {
            _byOldest.Add((ms, topic.Name));
        }

        topic.IndexedOldestMs = oldest;
    }

    private void Touch(ClientDedupe client)
    {
        client.LastActiveMs = LastLogTimeMs;
        if (client.IdleNode is { } node)
        {
            _byActivity.Remove(node);
            _byActivity.AddLast(node);
        }
        else
        {
            client.IdleNode = _byActivity.AddLast(client);
        }
    }

    private long DeadlineOf(long timestampMs) =>
        timestampMs > long.MaxValue - Options.MaxAgeMs ? long.MaxValue : timestampMs + Options.MaxAgeMs;

    private static BroadcastApplied Stale(Publish publish, ClientDedupe client) => Answer(new BroadcastResult
    {
        Invalid = new Invalid
        {
            Field = "clientSeq",
            StaleClientSeq = true,
            Message = $"{BroadcastCommands.StaleClientSequence}: clientSeq {publish.ClientSeq} of client \"{publish.ClientId}\" on topic \"{publish.Topic}\" " +
                $"is at or below {client.Floor}, the highest this topic no longer remembers (highest seen {client.HighestClientSeq}).",
        },
    });

    private static BroadcastApplied Invalid(string field, string message) =>
        Answer(new BroadcastResult { Invalid = new Invalid { Field = field, Message = message } });

    private static BroadcastApplied Answer(BroadcastResult result) => new(result.ToByteArray(), null);

    /// <summary>Orders the deadline index by timestamp, then topic name (ordinal).</summary>
    private sealed class OldestFirst : IComparer<(long OldestMs, string Topic)>
    {
        public static readonly OldestFirst Instance = new();

        public int Compare((long OldestMs, string Topic) x, (long OldestMs, string Topic) y)
        {
            var byTime = x.OldestMs.CompareTo(y.OldestMs);
            return byTime != 0 ? byTime : string.CompareOrdinal(x.Topic, y.Topic);
        }
    }
}
