namespace DistSync.Actors;

/// <summary>
/// Local publish/subscribe by event type: a subscriber to a type receives every published event assignable
/// to it (so subscribing to a base type or interface catches all derived events). Subscriptions of an actor
/// end when it stops. Publishing takes no lock (copy-on-write subscription array).
/// </summary>
public sealed class EventStream
{
    private readonly object _gate = new();
    private Subscription[] _subscriptions = Array.Empty<Subscription>();

    public bool Subscribe(IActorRef subscriber, Type channel)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(channel);
        lock (_gate)
        {
            foreach (var s in _subscriptions)
            {
                if (s.Channel == channel && s.Subscriber.Equals(subscriber))
                {
                    return false;
                }
            }

            var next = new Subscription[_subscriptions.Length + 1];
            _subscriptions.CopyTo(next, 0);
            next[^1] = new Subscription(subscriber, channel);
            Volatile.Write(ref _subscriptions, next);
            return true;
        }
    }

    public bool Subscribe<T>(IActorRef subscriber) => Subscribe(subscriber, typeof(T));

    public bool Unsubscribe(IActorRef subscriber, Type channel) => RemoveWhere(subscriber, channel);

    /// <summary>Removes every subscription of <paramref name="subscriber"/>.</summary>
    public bool Unsubscribe(IActorRef subscriber) => RemoveWhere(subscriber, null);

    public void Publish(object evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var subscriptions = Volatile.Read(ref _subscriptions);
        var type = evt.GetType();
        for (var i = 0; i < subscriptions.Length; i++)
        {
            if (subscriptions[i].Channel.IsAssignableFrom(type))
            {
                subscriptions[i].Subscriber.Tell(evt, null);
            }
        }
    }

    private bool RemoveWhere(IActorRef subscriber, Type? channel)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        if (Volatile.Read(ref _subscriptions).Length == 0)
        {
            return false;
        }

        lock (_gate)
        {
            var kept = new List<Subscription>(_subscriptions.Length);
            foreach (var s in _subscriptions)
            {
                if (!(s.Subscriber.Equals(subscriber) && (channel is null || s.Channel == channel)))
                {
                    kept.Add(s);
                }
            }

            if (kept.Count == _subscriptions.Length)
            {
                return false;
            }

            Volatile.Write(ref _subscriptions, kept.ToArray());
            return true;
        }
    }

    private readonly record struct Subscription(IActorRef Subscriber, Type Channel);
}
