namespace DistSync.Actors;

/// <summary>
/// The temporary sender of one Ask: the first message told to it completes the task. Its path
/// (<c>/temp/$n</c>) is registered with the system only if somebody reads it (remoting does), so a local
/// Ask costs no dictionary write.
/// </summary>
internal sealed class AskRef<T> : IInternalActorRef
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ActorSystem? _system;
    private readonly IActorRef _target;
    private readonly Type _messageType;
    private readonly TimeSpan _timeout;
    private readonly long _id;
    private Timer? _timer;
    private CancellationTokenRegistration _cancellation;
    private ActorPath? _path;
    private volatile bool _registered;

    public AskRef(ActorSystem? system, IActorRef target, Type messageType, TimeSpan timeout)
    {
        _system = system;
        _target = target;
        _messageType = messageType;
        _timeout = timeout;
        _id = system?.NextTempId() ?? 0;
    }

    public Task<T> Task => _completion.Task;

    public ActorPath Path
    {
        get
        {
            if (_path is not null)
            {
                return _path;
            }

            var name = "$" + _id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (_system is null)
            {
                return _path = new ActorPath(new Address(Address.DefaultProtocol, "temp"), ["temp", name]);
            }

            _path = _system.TempPath.Child(name);
            if (!_completion.Task.IsCompleted)
            {
                _registered = true;
                _system.RegisterTemp(name, this);
                if (_completion.Task.IsCompleted)
                {
                    _system.UnregisterTemp(name);
                }
            }

            return _path;
        }
    }

    ActorSystem IInternalActorRef.System => _system ?? throw new InvalidOperationException("This Ask has no actor system.");

    public bool IsTerminated => _completion.Task.IsCompleted;

    public void Start(CancellationToken cancellationToken)
    {
        if (_timeout != Timeout.InfiniteTimeSpan)
        {
            _timer = new Timer(static state => ((AskRef<T>)state!).OnTimeout(), this, _timeout, Timeout.InfiniteTimeSpan);
        }

        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.Register(static state => ((AskRef<T>)state!).OnCancelled(), this);
        }
    }

    public void Tell(object message, IActorRef? sender = null)
    {
        bool completed;
        switch (message)
        {
            case T typed:
                completed = _completion.TrySetResult(typed);
                break;
            case Status.Failure failure:
                completed = _completion.TrySetException(failure.Cause);
                break;
            case Status.Success { Value: T value }:
                completed = _completion.TrySetResult(value);
                break;
            default:
                completed = _completion.TrySetException(new InvalidCastException(
                    $"Ask to {_target.Path} expected a reply of type {typeof(T).Name} but got {message?.GetType().Name ?? "null"}."));
                break;
        }

        if (completed)
        {
            Cleanup();
        }
        else if (_system is not null && message is not null)
        {
            _system.DeadLetterRef.Deliver(message, sender, this);
        }
    }

    public void AddWatcher(IActorRef watcher)
    {
        if (_completion.Task.IsCompleted)
        {
            TerminatedNotice.Send(watcher, this);
        }
    }

    public void RemoveWatcher(IActorRef watcher)
    {
    }

    public void Stop()
    {
    }

    private void OnTimeout()
    {
        var exception = new AskTimeoutException(
            $"Ask timed out on [{_target.Path}] after [{_timeout.TotalMilliseconds:0.###} ms]: no reply to a message of type [{_messageType.FullName}].");
        if (_completion.TrySetException(exception))
        {
            Cleanup();
        }
    }

    private void OnCancelled()
    {
        if (_completion.TrySetCanceled())
        {
            Cleanup();
        }
    }

    private void Cleanup()
    {
        _timer?.Dispose();
        _cancellation.Dispose();
        if (_registered && _path is not null)
        {
            _system!.UnregisterTemp(_path.Name);
        }
    }

    public override string ToString() => $"[Ask {_id} -> {_target.Path}]";
}
