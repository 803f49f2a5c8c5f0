using System.Collections.Concurrent;
using System.Diagnostics;
using DistSync.Actors;

namespace DistSync.TestKit;

/// <summary>
/// A real actor whose received messages the test inspects. Expectation methods block the calling thread up
/// to a timeout (default 5 s scaled by <c>DSYNC_TEST_TIMEFACTOR</c>, or what remains of an enclosing
/// <see cref="Within(TimeSpan, Action)"/>) and throw <see cref="TestKitAssertionException"/> on failure.
/// Async twins exist for the main expectations. Use one probe from one test thread.
/// </summary>
public sealed class TestProbe : IInternalActorRef
{
    private readonly ConcurrentQueue<ReceivedMessage> _queue = new();
    private readonly SemaphoreSlim _available = new(0);
    private readonly IInternalActorRef _ref;
    private long? _deadline;

    public TestProbe(ActorSystem system, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        System = system;
        _ref = (IInternalActorRef)system.SystemActorOf(Props.Create(() => new ProbeActor(Enqueue)), name);
    }

    public ActorSystem System { get; }

    /// <summary>The probe's actor ref (the probe itself is also usable as an IActorRef).</summary>
    public IActorRef Ref => _ref;

    public ActorPath Path => _ref.Path;

    public bool IsTerminated => _ref.IsTerminated;

    /// <summary>Sender of the last message taken by an expectation.</summary>
    public IActorRef LastSender { get; private set; } = ActorRefs.Nobody;

    public object? LastMessage { get; private set; }

    /// <summary>Messages received and not yet taken by an expectation.</summary>
    public int PendingCount => _queue.Count;

    public void Tell(object message, IActorRef? sender = null) => _ref.Tell(message, sender);

    /// <summary>Sends <paramref name="message"/> to <paramref name="target"/> with this probe as sender.</summary>
    public void Send(IActorRef target, object message) => target.Tell(message, _ref);

    /// <summary>Answers the sender of the last message.</summary>
    public void Reply(object message) => LastSender.Tell(message, _ref);

    /// <summary>Forwards the last message to <paramref name="target"/>, keeping its original sender.</summary>
    public void Forward(IActorRef target) =>
        target.Tell(LastMessage ?? throw new TestKitAssertionException("Forward: no message received yet."), LastSender);

    // ---- receiving ----------------------------------------------------------------------------

    public T ExpectMsg<T>(TimeSpan? timeout = null) => ExpectMsg<T>(static _ => true, timeout, null);

    public T ExpectMsg<T>(Predicate<T> predicate, TimeSpan? timeout = null, string? hint = null)
    {
        var wait = RemainingOrDefault(timeout);
        var received = TryTake(wait) ?? throw new TestKitAssertionException(
            $"Timeout ({wait.TotalMilliseconds:0} ms) waiting for a message of type {typeof(T).Name}{Hint(hint)} at {Path}.");
        return Check(received, predicate, hint);
    }

    /// <summary>Expects a message equal to <paramref name="expected"/>.</summary>
    public T ExpectMsg<T>(T expected, TimeSpan? timeout = null) =>
        ExpectMsg<T>(m => EqualityComparer<T>.Default.Equals(m, expected), timeout, $"equal to {expected}");

    public async Task<T> ExpectMsgAsync<T>(Predicate<T>? predicate = null, TimeSpan? timeout = null, string? hint = null)
    {
        var wait = RemainingOrDefault(timeout);
        var received = await TryTakeAsync(wait).ConfigureAwait(false) ?? throw new TestKitAssertionException(
            $"Timeout ({wait.TotalMilliseconds:0} ms) waiting for a message of type {typeof(T).Name}{Hint(hint)} at {Path}.");
        return Check(received, predicate ?? (static _ => true), hint);
    }

    /// <summary>Fails if any message arrives within <paramref name="duration"/>.</summary>
    public void ExpectNoMsg(TimeSpan duration)
    {
        var received = TryTake(TestKitSettings.Dilated(duration));
        if (received is { } r)
        {
            throw new TestKitAssertionException($"Expected no message at {Path} for {duration.TotalMilliseconds:0} ms but got {Describe(r.Message)} from {r.Sender.Path}.");
        }
    }

    public async Task ExpectNoMsgAsync(TimeSpan duration)
    {
        var received = await TryTakeAsync(TestKitSettings.Dilated(duration)).ConfigureAwait(false);
        if (received is { } r)
        {
            throw new TestKitAssertionException($"Expected no message at {Path} for {duration.TotalMilliseconds:0} ms but got {Describe(r.Message)} from {r.Sender.Path}.");
        }
    }

    /// <summary>Takes messages until one of type <typeparamref name="T"/> satisfies <paramref name="isTarget"/>;
    /// the others are discarded.</summary>
    public T FishForMessage<T>(Predicate<T> isTarget, TimeSpan? max = null, string? hint = null)
    {
        var deadline = Stopwatch.GetTimestamp() + ToTicks(RemainingOrDefault(max));
        var skipped = 0;
        while (true)
        {
            var left = TicksToTimeSpan(deadline - Stopwatch.GetTimestamp());
            var received = TryTake(left > TimeSpan.Zero ? left : TimeSpan.Zero) ?? throw new TestKitAssertionException(
                $"FishForMessage<{typeof(T).Name}>{Hint(hint)} at {Path}: no matching message in time ({skipped} others skipped).");
            if (received.Message is T typed && isTarget(typed))
            {
                return typed;
            }

            skipped++;
        }
    }

    /// <summary>Takes the next message of any type.</summary>
    public ReceivedMessage ReceiveOne(TimeSpan? timeout = null)
    {
        var wait = RemainingOrDefault(timeout);
        return TryTake(wait) ?? throw new TestKitAssertionException($"Timeout ({wait.TotalMilliseconds:0} ms) waiting for any message at {Path}.");
    }

    /// <summary>Takes exactly <paramref name="count"/> messages within the time limit.</summary>
    public IReadOnlyList<object> ReceiveN(int count, TimeSpan? max = null)
    {
        var deadline = Stopwatch.GetTimestamp() + ToTicks(RemainingOrDefault(max));
        var result = new List<object>(count);
        while (result.Count < count)
        {
            var left = TicksToTimeSpan(deadline - Stopwatch.GetTimestamp());
            var received = TryTake(left > TimeSpan.Zero ? left : TimeSpan.Zero) ?? throw new TestKitAssertionException(
                $"ReceiveN at {Path}: got {result.Count} of {count} messages in time.");
            result.Add(received.Message);
        }

        return result;
    }

    // ---- death watch --------------------------------------------------------------------------

    /// <summary>The probe will receive <see cref="Terminated"/> when <paramref name="target"/> stops.</summary>
    public IActorRef Watch(IActorRef target)
    {
        _ref.Tell(new ProbeWatch(target));
        return target;
    }

    public IActorRef Unwatch(IActorRef target)
    {
        _ref.Tell(new ProbeUnwatch(target));
        return target;
    }

    public Terminated ExpectTerminated(IActorRef target, TimeSpan? timeout = null) =>
        ExpectMsg<Terminated>(t => t.ActorRef.Equals(target) || t.ActorRef.Path == target.Path, timeout, $"Terminated of {target.Path}");

    // ---- timing -------------------------------------------------------------------------------

    /// <summary>Runs <paramref name="action"/>; expectations inside default to the time left; fails if the
    /// block takes longer than <paramref name="max"/> (dilated).</summary>
    public void Within(TimeSpan max, Action action) => Within(max, () =>
    {
        action();
        return true;
    });

    public T Within<T>(TimeSpan max, Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var dilated = TestKitSettings.Dilated(max);
        var start = Stopwatch.GetTimestamp();
        var outer = _deadline;
        var deadline = start + ToTicks(dilated);
        _deadline = outer is { } o && o < deadline ? o : deadline;
        try
        {
            var result = action();
            var elapsed = Stopwatch.GetElapsedTime(start);
            if (elapsed > dilated)
            {
                throw new TestKitAssertionException($"Within({dilated.TotalMilliseconds:0} ms): the block took {elapsed.TotalMilliseconds:0} ms.");
            }

            return result;
        }
        finally
        {
            _deadline = outer;
        }
    }

    /// <summary>Time left in the enclosing Within, or <paramref name="fallback"/>/the default timeout (dilated).</summary>
    public TimeSpan RemainingOrDefault(TimeSpan? fallback = null)
    {
        if (fallback is { } explicitTimeout)
        {
            return TestKitSettings.Dilated(explicitTimeout);
        }

        if (_deadline is { } deadline)
        {
            var left = TicksToTimeSpan(deadline - Stopwatch.GetTimestamp());
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }

        return TestKitSettings.Dilated(TestKitSettings.DefaultTimeout);
    }

    /// <summary>Retries <paramref name="assertion"/> until it passes; rethrows its last failure after
    /// <paramref name="max"/> (default: time left or 5 s, dilated).</summary>
    public void AwaitAssert(Action assertion, TimeSpan? max = null, TimeSpan? interval = null) =>
        Polling.AwaitAssert(assertion, RemainingOrDefault(max), interval);

    /// <summary>Waits until <paramref name="condition"/> is true, failing after <paramref name="max"/>.</summary>
    public void AwaitCondition(Func<bool> condition, TimeSpan? max = null, TimeSpan? interval = null, string? message = null) =>
        Polling.AwaitCondition(condition, RemainingOrDefault(max), interval, message);

    public Task AwaitConditionAsync(Func<bool> condition, TimeSpan? max = null, TimeSpan? interval = null, string? message = null) =>
        Polling.AwaitConditionAsync(condition, RemainingOrDefault(max), interval, message);

    // ---- plumbing -----------------------------------------------------------------------------

    void IInternalActorRef.AddWatcher(IActorRef watcher) => _ref.AddWatcher(watcher);

    void IInternalActorRef.RemoveWatcher(IActorRef watcher) => _ref.RemoveWatcher(watcher);

    void IInternalActorRef.Stop() => _ref.Stop();

    public override bool Equals(object? obj) => obj is TestProbe p ? ReferenceEquals(p, this) : _ref.Equals(obj);

    public override int GetHashCode() => _ref.GetHashCode();

    public override string ToString() => $"TestProbe[{Path}]";

    private void Enqueue(object message, IActorRef sender)
    {
        _queue.Enqueue(new ReceivedMessage(message, sender));
        _available.Release();
    }

    private ReceivedMessage? TryTake(TimeSpan wait)
    {
        if (!_available.Wait(wait))
        {
            return null;
        }

        return Take();
    }

    private async Task<ReceivedMessage?> TryTakeAsync(TimeSpan wait)
    {
        if (!await _available.WaitAsync(wait).ConfigureAwait(false))
        {
            return null;
        }

        return Take();
    }

    private ReceivedMessage Take()
    {
        _queue.TryDequeue(out var received);
        LastMessage = received.Message;
        LastSender = received.Sender;
        return received;
    }

    private T Check<T>(ReceivedMessage received, Predicate<T> predicate, string? hint)
    {
        if (received.Message is not T typed)
        {
            throw new TestKitAssertionException(
                $"Expected a message of type {typeof(T).Name}{Hint(hint)} at {Path} but got {Describe(received.Message)} from {received.Sender.Path}.");
        }

        if (!predicate(typed))
        {
            throw new TestKitAssertionException(
                $"The message {Describe(received.Message)} at {Path} does not satisfy the expectation{Hint(hint)}.");
        }

        return typed;
    }

    private static string Describe(object message) => $"{message.GetType().Name} '{message}'";

    private static string Hint(string? hint) => hint is null ? "" : $" ({hint})";

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private static TimeSpan TicksToTimeSpan(long ticks) => TimeSpan.FromSeconds((double)ticks / Stopwatch.Frequency);
}
