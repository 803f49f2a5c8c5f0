using DistSync.Broadcast;

namespace DistSync.Node.Broadcast;

/// <summary>
/// This node's live broadcast subscriptions, fed from the meta group's applied entries (<see cref="OnPublished"/>
/// runs on the group's thread, in seq order per topic): a subscriber on a follower gets each message from its own
/// replica, with no round trip to the leader per message.
/// </summary>
public sealed class BroadcastHub
{
    private readonly object gate = new();
    private readonly Dictionary<string, List<BroadcastSubscriber>> byTopic = new(StringComparer.Ordinal);
    private readonly int buffer;

    public BroadcastHub(int buffer = 1024)
    {
        this.buffer = buffer;
    }

    /// <summary>Messages published per topic, as this node applied them (metrics read it).</summary>
    public event Action<BroadcastMessage>? Published;

    public BroadcastSubscriber Subscribe(string topic, string? sessionId)
    {
        var subscriber = new BroadcastSubscriber(topic, sessionId, buffer);
        lock (gate)
        {
            if (!byTopic.TryGetValue(topic, out var list)) byTopic[topic] = list = [];
            list.Add(subscriber);
        }
        return subscriber;
    }

    public void Unsubscribe(BroadcastSubscriber subscriber)
    {
        lock (gate)
        {
            if (!byTopic.TryGetValue(subscriber.Topic, out var list)) return;
            list.Remove(subscriber);
            if (list.Count == 0) byTopic.Remove(subscriber.Topic);
        }
        subscriber.End();
    }

    /// <summary>Live subscriptions of <paramref name="topic"/> on this node.</summary>
    public int SubscriberCount(string topic)
    {
        lock (gate) return byTopic.TryGetValue(topic, out var list) ? list.Count : 0;
    }

    public int TotalSubscribers
    {
        get
        {
            lock (gate)
            {
                var n = 0;
                foreach (var list in byTopic.Values) n += list.Count;
                return n;
            }
        }
    }

    /// <summary>The meta group applied a publish (its thread; must not block).</summary>
    public void OnPublished(BroadcastMessage message)
    {
        lock (gate)
        {
            if (byTopic.TryGetValue(message.Topic, out var list))
                foreach (var s in list) s.Offer(message);
        }
        Published?.Invoke(message);
    }

    /// <summary>A snapshot replaced the state: every subscriber re-reads from its next seq.</summary>
    public void OnRestored()
    {
        lock (gate)
        {
            foreach (var list in byTopic.Values)
                foreach (var s in list) s.MarkOverflow();
        }
    }

    /// <summary>The node stops: every stream ends (so that the HTTP server's drain does not wait on them).</summary>
    public void EndAll()
    {
        List<BroadcastSubscriber> all = [];
        lock (gate)
        {
            foreach (var list in byTopic.Values) all.AddRange(list);
        }
        foreach (var s in all) Unsubscribe(s);
    }

    /// <summary>A session ended: its subscriptions end.</summary>
    public void OnSessionEnded(string sessionId)
    {
        List<BroadcastSubscriber> ended = [];
        lock (gate)
        {
            foreach (var list in byTopic.Values)
                foreach (var s in list)
                    if (s.SessionId == sessionId) ended.Add(s);
        }
        foreach (var s in ended) Unsubscribe(s);
    }
}
