using System.Runtime.ExceptionServices;

namespace DistSync.Actors;

/// <summary>
/// An actor declared as a list of typed handlers, registered in the constructor (or inside
/// <see cref="Become"/>): the first handler whose type and predicate match a message handles it.
/// </summary>
public abstract class ReceiveActor : ActorBase
{
    private readonly List<ReceiveHandlerSet> _behaviors = new() { new ReceiveHandlerSet() };
    private ReceiveHandlerSet? _building;

    protected ReceiveActor()
    {
        _building = _behaviors[0];
    }

    protected void Receive<T>(Action<T> handler, Predicate<T>? shouldHandle = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Target().Add(new SyncHandler<T>(handler, shouldHandle));
    }

    /// <summary>The mailbox is suspended until the returned task ends; Self and Sender stay valid across awaits.
    /// A faulted task fails the actor like a thrown exception.</summary>
    protected void ReceiveAsync<T>(Func<T, Task> handler, Predicate<T>? shouldHandle = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Target().Add(new AsyncHandler<T>(Cell, handler, shouldHandle));
    }

    protected void ReceiveAny(Action<object> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Target().Add(new SyncHandler<object>(handler, null));
    }

    /// <summary>Replaces the current behaviour by the handlers <paramref name="configure"/> registers.</summary>
    protected void Become(Action configure)
    {
        var set = Build(configure);
        _behaviors[^1] = set;
    }

    /// <summary>Pushes a behaviour; <see cref="UnbecomeStacked"/> returns to the previous one.</summary>
    protected void BecomeStacked(Action configure)
    {
        _behaviors.Add(Build(configure));
    }

    protected void UnbecomeStacked()
    {
        if (_behaviors.Count > 1)
        {
            _behaviors.RemoveAt(_behaviors.Count - 1);
        }
    }

    protected sealed override bool Receive(object message) => _behaviors[^1].TryHandle(message);

    internal override void AfterConstruction() => _building = null;

    private ReceiveHandlerSet Build(Action configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var previous = _building;
        var set = new ReceiveHandlerSet();
        _building = set;
        try
        {
            configure();
        }
        finally
        {
            _building = previous;
        }

        return set;
    }

    private ReceiveHandlerSet Target() =>
        _building ?? throw new InvalidOperationException("Receive<T> may only be called in the constructor or inside Become/BecomeStacked.");

    private sealed class ReceiveHandlerSet
    {
        private ReceiveHandler[] _handlers = Array.Empty<ReceiveHandler>();

        public void Add(ReceiveHandler handler)
        {
            Array.Resize(ref _handlers, _handlers.Length + 1);
            _handlers[^1] = handler;
        }

        public bool TryHandle(object message)
        {
            var handlers = _handlers;
            for (var i = 0; i < handlers.Length; i++)
            {
                if (handlers[i].TryHandle(message))
                {
                    return true;
                }
            }

            return false;
        }
    }

    private abstract class ReceiveHandler
    {
        public abstract bool TryHandle(object message);
    }

    private sealed class SyncHandler<T>(Action<T> handler, Predicate<T>? shouldHandle) : ReceiveHandler
    {
        public override bool TryHandle(object message)
        {
            if (message is T typed && (shouldHandle is null || shouldHandle(typed)))
            {
                handler(typed);
                return true;
            }

            return false;
        }
    }

    private sealed class AsyncHandler<T>(ActorCell cell, Func<T, Task> handler, Predicate<T>? shouldHandle) : ReceiveHandler
    {
        public override bool TryHandle(object message)
        {
            if (message is not T typed || (shouldHandle is not null && !shouldHandle(typed)))
            {
                return false;
            }

            var task = handler(typed) ?? throw new InvalidOperationException("A ReceiveAsync handler returned a null Task.");
            if (!task.IsCompleted)
            {
                cell.RunTask(task);
            }
            else if (task.IsFaulted)
            {
                ExceptionDispatchInfo.Throw(task.Exception!.InnerExceptions.Count == 1 ? task.Exception.InnerException! : task.Exception);
            }
            else if (task.IsCanceled)
            {
                throw new TaskCanceledException(task);
            }

            return true;
        }
    }
}
