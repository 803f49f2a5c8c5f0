using System.Collections.Concurrent;
using Serilog;

namespace DistSync.Actors;

/// <summary>
/// The runtime side of one actor: its mailbox, current instance, children, watches, timers and stash.
/// Everything except the children map and the mailbox queues is touched only inside the actor's own turn
/// (<see cref="Mailbox.Execute"/>), so it needs no locks.
/// </summary>
internal sealed class ActorCell : IActorContext
{
    [ThreadStatic]
    private static ActorCell? t_constructing;

    private readonly ConcurrentDictionary<string, ChildRecord> _children = new(StringComparer.Ordinal);
    private long _nextChildId;

    private ActorBase? _actor;
    private Envelope _current;
    private HashSet<IActorRef>? _watching;
    private HashSet<IActorRef>? _watchedBy;
    private TimerScheduler? _timers;
    private StashBuffer? _stash;
    private ILogger? _log;

    // Lifecycle flags. Written only inside the turn; read by Mailbox.HasWork after the turn as well.
    private volatile bool _failed;
    private volatile bool _terminating;
    private volatile bool _dead;
    private volatile bool _recreatePending;
    private Exception? _recreateCause;

    // The child whose failure this actor escalated: it waits suspended, so a Resume of this actor resumes it too.
    private ActorCell? _escalatedChild;

    // ReceiveAsync: the mailbox processes nothing while a handler's task runs.
    private volatile bool _awaitingTask;
    private volatile bool _taskCompleted;
    private Exception? _taskFailure;
    private object? _taskMessage;

    public ActorCell(ActorSystem system, Props props, ActorCell? parent, ActorPath path)
    {
        System = system;
        Props = props;
        ParentCell = parent;
        Path = path;
        Self = new LocalActorRef(this);
        Mailbox = new Mailbox(this, props.MailboxThroughput ?? system.Settings.Throughput);
    }

    /// <summary>The cell whose Props factory is running on this thread (read by the ActorBase constructor).</summary>
    internal static ActorCell? Constructing => t_constructing;

    public ActorSystem System { get; }

    public Props Props { get; }

    public ActorCell? ParentCell { get; }

    public ActorPath Path { get; }

    public LocalActorRef Self { get; }

    public Mailbox Mailbox { get; }

    public bool IsDead => _dead;

    public bool IsAwaitingTask => _awaitingTask;

    public bool HasCompletedTask => _taskCompleted;

    public bool CanProcessUserMessages => !_failed && !_terminating && !_recreatePending && !_dead && _actor is not null;

    /// <summary>The message being processed (stash takes it from here).</summary>
    internal Envelope CurrentEnvelope => _current;

    IActorRef IActorContext.Self => Self;

    public IActorRef Sender => _current.Sender ?? System.DeadLetters;

    public IActorRef Parent => ParentCell?.Self ?? ActorRefs.Nobody;

    public ILogger Log => _log ??= System.Log.ForContext("ActorPath", Path.ToString());

    public IReadOnlyCollection<IActorRef> Children
    {
        get
        {
            var list = new List<IActorRef>(_children.Count);
            foreach (var pair in _children)
            {
                if (!pair.Value.Stopping)
                {
                    list.Add(pair.Value.Cell.Self);
                }
            }

            return list;
        }
    }

    public IActorRef? Child(string name) =>
        _children.TryGetValue(name, out var record) && !record.Stopping ? record.Cell.Self : null;

    internal ActorCell? ChildCell(string name) => _children.TryGetValue(name, out var record) ? record.Cell : null;

    public void Start() => Mailbox.PostSystem(CreateActor.Instance);

    public IActorRef ActorOf(Props props, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(props);
        if (name is null)
        {
            name = "$" + ToBase36(Interlocked.Increment(ref _nextChildId));
        }
        else
        {
            ActorNames.Validate(name);
        }

        return CreateChild(props, name);
    }

    /// <summary>Creates a child with a name that may be reserved (guardians, system actors).</summary>
    internal IActorRef CreateChild(Props props, string name)
    {
        var child = new ActorCell(System, props, this, Path.Child(name));
        var record = new ChildRecord(child);
        if (!_children.TryAdd(name, record))
        {
            throw new InvalidActorNameException($"Actor name '{name}' is not unique under {Path}: a live sibling has it.");
        }

        child.Start();
        if (_terminating || _dead)
        {
            // Created while this actor stops: stop it at once so it cannot outlive its parent.
            record.Stopping = true;
            child.Mailbox.PostSystem(StopActor.Instance);
        }

        return child.Self;
    }

    public void Stop(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor is LocalActorRef local && local.Cell.ParentCell == this
            && _children.TryGetValue(local.Path.Name, out var record) && record.Cell == local.Cell)
        {
            StopChild(record);
            return;
        }

        if (actor is IInternalActorRef internalRef)
        {
            internalRef.Stop();
            return;
        }

        throw new ArgumentException($"Cannot stop {actor.Path}: it is not an actor ref of an actor system.", nameof(actor));
    }

    public IActorRef Watch(IActorRef subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (subject is not IInternalActorRef target)
        {
            throw new ArgumentException($"Cannot watch {subject.Path}: it is not an actor ref of an actor system.", nameof(subject));
        }

        if (!ReferenceEquals(subject, Self) && (_watching ??= new HashSet<IActorRef>()).Add(subject))
        {
            target.AddWatcher(Self);
        }

        return subject;
    }

    public IActorRef Unwatch(IActorRef subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (_watching is not null && _watching.Remove(subject) && subject is IInternalActorRef target)
        {
            target.RemoveWatcher(Self);
        }

        return subject;
    }

    /// <summary>Processes one user message.</summary>
    internal void Invoke(Envelope envelope)
    {
        _current = envelope;
        var message = envelope.Message;
        try
        {
            if (message is IAutoReceivedMessage)
            {
                AutoReceive(message);
            }
            else
            {
                _actor!.AroundReceive(message);
            }
        }
        catch (Exception ex)
        {
            HandleInvokeFailure(ex, message);
        }
    }

    private void AutoReceive(object message)
    {
        switch (message)
        {
            case TimerMessage timerMessage:
                if (_timers is not null && _timers.TryTakeForDelivery(timerMessage, out var payload))
                {
                    _current = new Envelope(payload, _current.Sender);
                    _actor!.AroundReceive(payload);
                }

                break;
            case TerminatedNotice notification:
                // Delivered only while still watched: an Unwatch in between makes it disappear, as in Akka.
                var terminated = notification.Terminated;
                if (_watching is not null && _watching.Remove(terminated.ActorRef))
                {
                    _current = new Envelope(terminated, terminated.ActorRef);
                    _actor!.AroundReceive(terminated);
                }

                break;
            case PoisonPill:
                BeginStop();
                break;
            case Kill:
                throw new ActorKilledException($"Kill message received by {Path}.");
            default:
                _actor!.AroundReceive(message);
                break;
        }
    }

    /// <summary>Processes one system message.</summary>
    internal void SystemInvoke(SystemMessage message)
    {
        if (_dead)
        {
            // A stopped actor still answers watches, so watching a dead actor yields Terminated.
            if (message is WatchActor lateWatch)
            {
                TerminatedNotice.Send(lateWatch.Watcher, Self);
            }

            return;
        }

        try
        {
            switch (message)
            {
                case CreateActor:
                    Create();
                    break;
                case StopActor:
                    BeginStop();
                    break;
                case WatchActor watch:
                    if (!ReferenceEquals(watch.Watcher, Self))
                    {
                        (_watchedBy ??= new HashSet<IActorRef>()).Add(watch.Watcher);
                    }

                    break;
                case UnwatchActor unwatch:
                    _watchedBy?.Remove(unwatch.Watcher);
                    break;
                case ChildFailed failed:
                    HandleChildFailure(failed);
                    break;
                case ChildStopped stopped:
                    HandleChildStopped(stopped.Child);
                    break;
                case ResumeActor:
                    Resume();
                    break;
                case RecreateActor recreate:
                    BeginRecreate(recreate.Cause, recreate.FailedMessage);
                    break;
            }
        }
        catch (Exception ex)
        {
            HandleInvokeFailure(ex, null);
        }
    }

    private void Create()
    {
        if (_actor is not null)
        {
            return;
        }

        try
        {
            var actor = NewActor();
            _actor = actor;
            actor.AroundPreStart();
        }
        catch (Exception ex)
        {
            HandleInvokeFailure(new ActorInitializationException(Path, ex), null);
        }
    }

    private ActorBase NewActor()
    {
        var previous = t_constructing;
        t_constructing = this;
        ActorBase actor;
        try
        {
            actor = Props.Factory();
        }
        finally
        {
            t_constructing = previous;
        }

        if (actor is null || !ReferenceEquals(actor.Cell, this) || ReferenceEquals(actor, _actor))
        {
            throw new InvalidOperationException($"The Props factory of {Path} must return a new actor instance on every call.");
        }

        actor.AfterConstruction();
        if (actor is IWithTimers withTimers)
        {
            withTimers.Timers = _timers ??= new TimerScheduler(this);
        }

        if (actor is IWithStash withStash)
        {
            withStash.Stash = _stash ??= new StashBuffer(this);
        }

        return actor;
    }

    // ---- ReceiveAsync -------------------------------------------------------------------------

    /// <summary>Suspends the mailbox until <paramref name="task"/> ends (called by a ReceiveAsync handler).</summary>
    internal void RunTask(Task task)
    {
        _taskMessage = _current.Message;
        _awaitingTask = true;
        task.ContinueWith(
            static (t, state) => ((ActorCell)state!).OnTaskCompleted(t),
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void OnTaskCompleted(Task task)
    {
        if (task.IsFaulted)
        {
            _taskFailure = task.Exception!.InnerExceptions.Count == 1 ? task.Exception.InnerException : task.Exception;
        }
        else if (task.IsCanceled)
        {
            _taskFailure = new TaskCanceledException(task);
        }

        _taskCompleted = true;
        _awaitingTask = false;
        Mailbox.TrySchedule();
    }

    /// <summary>Runs at the start of a turn: a failed ReceiveAsync task fails the actor like a thrown exception.</summary>
    internal void HandleCompletedTask()
    {
        if (!_taskCompleted)
        {
            return;
        }

        _taskCompleted = false;
        var failure = _taskFailure;
        var message = _taskMessage;
        _taskFailure = null;
        _taskMessage = null;
        if (failure is not null)
        {
            HandleInvokeFailure(failure, message);
        }
    }

    // ---- Supervision --------------------------------------------------------------------------

    private void HandleInvokeFailure(Exception cause, object? message)
    {
        if (_dead)
        {
            return;
        }

        if (message is null)
        {
            Log.Error(cause, "Actor {Path} failed: {Reason}", Path.ToString(), cause.Message);
        }
        else
        {
            Log.Error(cause, "Actor {Path} failed processing {MessageType} {Message}: {Reason}",
                Path.ToString(), message.GetType().Name, message, cause.Message);
        }

        if (_terminating)
        {
            // Already stopping: the failure cannot change the outcome.
            return;
        }

        _failed = true;
        if (ParentCell is null)
        {
            BeginStop();
            return;
        }

        ParentCell.Mailbox.PostSystem(new ChildFailed(this, cause, message));
    }

    private void HandleChildFailure(ChildFailed failed)
    {
        var child = failed.Child;
        if (!_children.TryGetValue(child.Path.Name, out var record) || record.Cell != child || record.Stopping)
        {
            return;
        }

        var strategy = Props.SupervisorStrategy ?? _actor?.SupervisorStrategyInternal() ?? System.Settings.DefaultSupervisorStrategy;
        Directive directive;
        try
        {
            directive = strategy.Handle(failed.Cause, record.Stats);
        }
        catch (Exception deciderFailure)
        {
            Log.Error(deciderFailure, "Supervisor strategy of {Path} threw; stopping the failed child {Child}", Path.ToString(), child.Path.ToString());
            directive = Directive.Stop;
        }

        Log.Debug("Supervisor {Path}: {Directive} for {Child} after {Reason}", Path.ToString(), directive, child.Path.ToString(), failed.Cause.Message);
        switch (directive)
        {
            case Directive.Resume:
                child.Mailbox.PostSystem(ResumeActor.Instance);
                break;
            case Directive.Restart:
                child.Mailbox.PostSystem(new RecreateActor(failed.Cause, failed.Message));
                break;
            case Directive.Stop:
                StopChild(record);
                break;
            case Directive.Escalate:
                _escalatedChild = child;
                HandleInvokeFailure(failed.Cause, failed.Message);
                break;
        }
    }

    private void Resume()
    {
        if (_actor is null)
        {
            // Nothing to resume when creation failed: create it afresh instead of staying suspended forever.
            BeginRecreate(new InvalidOperationException($"{Path} was resumed without an instance"), null);
            return;
        }

        _failed = false;
        if (_escalatedChild is { } child)
        {
            _escalatedChild = null;
            child.Mailbox.PostSystem(ResumeActor.Instance);
        }
    }

    private void BeginRecreate(Exception cause, object? failedMessage)
    {
        _escalatedChild = null;
        if (_terminating)
        {
            return;
        }

        _timers?.CancelAll();
        var actor = _actor;
        if (actor is not null)
        {
            _stash?.UnstashAll();
            try
            {
                actor.AroundPreRestart(cause, failedMessage);
            }
            catch (Exception ex)
            {
                Log.Error(ex, "PreRestart of {Path} threw; restarting anyway", Path.ToString());
            }
        }

        _recreatePending = true;
        _recreateCause = cause;
        if (!AnyChildStopping())
        {
            FinishRecreate();
        }
    }

    private void FinishRecreate()
    {
        var cause = _recreateCause!;
        _recreatePending = false;
        _recreateCause = null;
        ActorBase fresh;
        try
        {
            fresh = NewActor();
            _actor = fresh;
            fresh.AroundPostRestart(cause);
        }
        catch (Exception ex)
        {
            HandleInvokeFailure(new ActorInitializationException(Path, ex), null);
            return;
        }

        _failed = false;
    }

    private void StopChild(ChildRecord record)
    {
        if (!record.Stopping)
        {
            record.Stopping = true;
            record.Cell.Mailbox.PostSystem(StopActor.Instance);
        }
    }

    private bool AnyChildStopping()
    {
        foreach (var pair in _children)
        {
            if (pair.Value.Stopping)
            {
                return true;
            }
        }

        return false;
    }

    // ---- Stopping -----------------------------------------------------------------------------

    private void BeginStop()
    {
        if (_terminating)
        {
            return;
        }

        _terminating = true;
        _timers?.CancelAll();
        foreach (var pair in _children)
        {
            StopChild(pair.Value);
        }

        if (_children.IsEmpty)
        {
            FinishStop();
        }
    }

    private void HandleChildStopped(ActorCell child)
    {
        if (_children.TryGetValue(child.Path.Name, out var record) && record.Cell == child)
        {
            _children.TryRemove(new KeyValuePair<string, ChildRecord>(child.Path.Name, record));
        }

        if (ParentCell is null)
        {
            System.OnGuardianStopped(child);
        }

        if (_terminating)
        {
            if (_children.IsEmpty)
            {
                FinishStop();
            }
        }
        else if (_recreatePending && !AnyChildStopping())
        {
            FinishRecreate();
        }
    }

    private void FinishStop()
    {
        if (_dead)
        {
            return;
        }

        var actor = _actor;
        if (actor is not null)
        {
            try
            {
                actor.AroundPostStop();
            }
            catch (Exception ex)
            {
                Log.Error(ex, "PostStop of {Path} threw", Path.ToString());
            }
        }

        _dead = true;
        _actor = null;
        _timers?.CancelAll();
        _stash?.DrainToDeadLetters();
        Mailbox.CloseAndDrain();

        if (_watchedBy is not null)
        {
            foreach (var watcher in _watchedBy)
            {
                TerminatedNotice.Send(watcher, Self);
            }

            _watchedBy = null;
        }

        if (_watching is not null)
        {
            foreach (var watched in _watching)
            {
                (watched as IInternalActorRef)?.RemoveWatcher(Self);
            }

            _watching = null;
        }

        System.EventStream.Unsubscribe(Self);
        if (ParentCell is not null)
        {
            ParentCell.Mailbox.PostSystem(new ChildStopped(this));
        }
        else
        {
            System.OnRootStopped();
        }
    }

    private static string ToBase36(long value)
    {
        const string digits = "abcdefghijklmnopqrstuvwxyz0123456789";
        Span<char> buffer = stackalloc char[16];
        var i = buffer.Length;
        do
        {
            buffer[--i] = digits[(int)(value % 36)];
            value /= 36;
        }
        while (value > 0);
        return new string(buffer[i..]);
    }

    public override string ToString() => $"ActorCell({Path})";
}
