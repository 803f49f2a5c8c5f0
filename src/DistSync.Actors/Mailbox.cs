using System.Collections.Concurrent;
using System.Threading.Channels;

namespace DistSync.Actors;

/// <summary>
/// One actor's mailbox: user messages in one unbounded single-reader channel (a struct envelope per message),
/// system messages in their own queue processed first. The mailbox is itself the thread-pool work item:
/// a Tell that finds it idle flips the status flag with one CAS and queues it; a turn processes up to
/// <c>throughput</c> user messages, goes idle, and re-queues itself if work arrived meanwhile.
/// </summary>
internal sealed class Mailbox : IThreadPoolWorkItem
{
    private const int Idle = 0;
    private const int Scheduled = 1;

    private readonly ChannelWriter<Envelope> _writer;
    private readonly ChannelReader<Envelope> _reader;
    private readonly ConcurrentQueue<SystemMessage> _system = new();
    private readonly int _throughput;
    private readonly ActorCell _cell;

    // Unstashed messages go in front of the channel; touched only by the actor's own turn.
    private Queue<Envelope>? _prepended;
    private int _status;

    public Mailbox(ActorCell cell, int throughput)
    {
        _cell = cell;
        _throughput = throughput;
        var channel = Channel.CreateUnbounded<Envelope>(new UnboundedChannelOptions
        {
            SingleReader = true,
            SingleWriter = false,
            AllowSynchronousContinuations = true,
        });
        _writer = channel.Writer;
        _reader = channel.Reader;
    }

    public void Post(object message, IActorRef? sender)
    {
        if (_writer.TryWrite(new Envelope(message, sender)))
        {
            TrySchedule();
            return;
        }

        // The channel is completed: the actor has stopped.
        _cell.System.DeadLetterRef.Deliver(message, sender, _cell.Self);
    }

    public void PostSystem(SystemMessage message)
    {
        _system.Enqueue(message);
        TrySchedule();
    }

    /// <summary>Queues the mailbox for a turn unless it is already queued or running.</summary>
    public void TrySchedule()
    {
        if (Volatile.Read(ref _status) == Idle && Interlocked.CompareExchange(ref _status, Scheduled, Idle) == Idle)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
        }
    }

    public void Execute()
    {
        var cell = _cell;
        if (!cell.IsAwaitingTask)
        {
            cell.HandleCompletedTask();
            ProcessSystemMessages(cell);
            var left = _throughput;
            while (left > 0 && cell.CanProcessUserMessages)
            {
                if (!TryDequeue(out var envelope))
                {
                    break;
                }

                left--;
                cell.Invoke(envelope);
                if (cell.IsAwaitingTask)
                {
                    break;
                }

                if (cell.HasCompletedTask)
                {
                    // The handler's task finished while it was being registered: settle it before the next message.
                    cell.HandleCompletedTask();
                }

                if (!_system.IsEmpty)
                {
                    ProcessSystemMessages(cell);
                }
            }
        }

        // Full fence before re-checking, so a concurrent Tell either sees Idle or its message is seen here.
        Interlocked.Exchange(ref _status, Idle);
        if (HasWork(cell))
        {
            TrySchedule();
        }
    }

    /// <summary>True when user messages wait (tests use it to know a timer message is queued).</summary>
    internal bool HasQueuedUserMessages => _prepended is { Count: > 0 } || _reader.TryPeek(out _);

    /// <summary>Puts messages in front of the queue, in the given order (stash).</summary>
    public void Prepend(IReadOnlyList<Envelope> envelopes)
    {
        if (envelopes.Count == 0)
        {
            return;
        }

        var next = new Queue<Envelope>(envelopes.Count + (_prepended?.Count ?? 0));
        for (var i = 0; i < envelopes.Count; i++)
        {
            next.Enqueue(envelopes[i]);
        }

        if (_prepended is not null)
        {
            while (_prepended.TryDequeue(out var e))
            {
                next.Enqueue(e);
            }
        }

        _prepended = next;
    }

    /// <summary>Rejects further user messages and hands every queued one to dead letters.</summary>
    public void CloseAndDrain()
    {
        _writer.TryComplete();
        var deadLetters = _cell.System.DeadLetterRef;
        if (_prepended is not null)
        {
            while (_prepended.TryDequeue(out var e))
            {
                deadLetters.Deliver(e.Message, e.Sender, _cell.Self);
            }
        }

        while (_reader.TryRead(out var envelope))
        {
            deadLetters.Deliver(envelope.Message, envelope.Sender, _cell.Self);
        }
    }

    private bool TryDequeue(out Envelope envelope)
    {
        if (_prepended is { Count: > 0 })
        {
            envelope = _prepended.Dequeue();
            return true;
        }

        return _reader.TryRead(out envelope);
    }

    private void ProcessSystemMessages(ActorCell cell)
    {
        while (_system.TryDequeue(out var message))
        {
            cell.SystemInvoke(message);
        }
    }

    private bool HasWork(ActorCell cell)
    {
        if (cell.IsAwaitingTask)
        {
            // The task's completion schedules the mailbox.
            return false;
        }

        if (cell.HasCompletedTask || !_system.IsEmpty)
        {
            return true;
        }

        if (!cell.CanProcessUserMessages)
        {
            return false;
        }

        return _prepended is { Count: > 0 } || _reader.TryPeek(out _);
    }
}
