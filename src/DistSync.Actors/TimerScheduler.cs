namespace DistSync.Actors;

/// <summary>
/// Keyed timers of one actor. Each start gets a new generation number; a fired timer message is checked
/// against the current entry of its key inside the actor's turn, so a cancelled or replaced timer's message
/// that was already in flight is dropped, never delivered.
/// </summary>
internal sealed class TimerScheduler(ActorCell cell) : ITimerScheduler
{
    private readonly Dictionary<object, Entry> _timers = new();
    private int _generation;

    public void StartSingleTimer(object key, object message, TimeSpan delay) => Start(key, message, delay, Timeout.InfiniteTimeSpan);

    public void StartPeriodicTimer(object key, object message, TimeSpan interval) => Start(key, message, interval, interval);

    public void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval) =>
        Start(key, message, initialDelay, interval);

    public bool IsTimerActive(object key) => _timers.ContainsKey(key);

    public void Cancel(object key)
    {
        if (_timers.Remove(key, out var entry))
        {
            entry.Timer.Dispose();
        }
    }

    public void CancelAll()
    {
        foreach (var entry in _timers.Values)
        {
            entry.Timer.Dispose();
        }

        _timers.Clear();
    }

    /// <summary>True when the message belongs to the live timer of its key; a single timer is then removed.</summary>
    public bool TryTakeForDelivery(TimerMessage message, out object payload)
    {
        var entry = message.Entry;
        if (_timers.TryGetValue(entry.Key, out var current) && ReferenceEquals(current, entry) && current.Generation == message.Generation)
        {
            if (!entry.Periodic)
            {
                _timers.Remove(entry.Key);
                entry.Timer.Dispose();
            }

            payload = entry.Message;
            return true;
        }

        payload = null!;
        return false;
    }

    private void Start(object key, object message, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(message);
        if (dueTime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(dueTime), dueTime, "A timer delay cannot be negative.");
        }

        var periodic = period != Timeout.InfiniteTimeSpan;
        if (periodic && period <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "A periodic timer needs a positive interval.");
        }

        Cancel(key);
        var entry = new Entry(key, message, ++_generation, periodic, cell.Self);
        _timers[key] = entry;
        entry.Start(dueTime, period);
    }

    internal sealed class Entry(object key, object message, int generation, bool periodic, IActorRef owner)
    {
        private Timer? _timer;

        public object Key { get; } = key;

        public object Message { get; } = message;

        public int Generation { get; } = generation;

        public bool Periodic { get; } = periodic;

        public Timer Timer => _timer!;

        public void Start(TimeSpan dueTime, TimeSpan period)
        {
            _timer = new Timer(static state => ((Entry)state!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timer.Change(dueTime, period);
        }

        private void Fire() => owner.Tell(new TimerMessage(this), null);
    }
}
