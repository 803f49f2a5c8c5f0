using DistSync.Actors;

namespace DistSync.Persistence.Journal;

/// <summary>
/// The node-wide journal actor: every persistent actor of the system sends its writes here. While one batch is
/// being committed the requests that arrive are buffered; when it completes they all go into the next journal
/// transaction — one fsync for everything that queued up (group commit). Requests are committed in arrival
/// order, so the writes of one persistent actor keep their order. Each requester gets
/// <see cref="WriteMessagesSuccess"/> or <see cref="WriteMessagesFailure"/>, sent with the requester's original
/// sender so persist handlers see the sender of their command.
/// </summary>
public sealed class JournalActor : ReceiveActor
{
    /// <summary>Store <paramref name="Writes"/> in one transaction and tell <paramref name="ReplyTo"/> the outcome,
    /// echoing <paramref name="Token"/>.</summary>
    public sealed record WriteMessages(IReadOnlyList<AtomicWrite> Writes, IActorRef ReplyTo, IActorRef OriginalSender, object Token);

    public sealed record WriteMessagesSuccess(object Token, IReadOnlyList<AtomicWrite> Writes);

    public sealed record WriteMessagesFailure(object Token, IReadOnlyList<AtomicWrite> Writes, Exception Cause);

    /// <summary>
    /// Answered with <see cref="WriteMessagesSuccess"/> (to the sender) once every write received before it is
    /// committed or failed. A recovering persistent actor asks this first, so it never reads the journal while a
    /// write of its previous incarnation is still on the way (which would hand out that sequence number again).
    /// </summary>
    public sealed record Flush;

    private sealed record BatchCompleted(List<WriteMessages> Batch, Exception?[] Failures);

    private readonly IJournal _journal;
    private readonly int _maxBatchSize;
    private readonly JournalActorMetrics _metrics;
    private List<WriteMessages> _waiting = new();
    private bool _writing;

    public JournalActor(IJournal journal, int maxBatchSize, JournalActorMetrics metrics)
    {
        _journal = journal ?? throw new ArgumentNullException(nameof(journal));
        if (maxBatchSize < 1) throw new ArgumentOutOfRangeException(nameof(maxBatchSize), maxBatchSize, "a batch holds at least one write");
        _maxBatchSize = maxBatchSize;
        _metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
        Receive<Flush>(flush => Enqueue(new WriteMessages(Array.Empty<AtomicWrite>(), Sender, Sender, flush)));
        Receive<WriteMessages>(Enqueue);
        Receive<BatchCompleted>(completed =>
        {
            for (var i = 0; i < completed.Batch.Count; i++)
            {
                var request = completed.Batch[i];
                if (completed.Failures[i] is { } error)
                {
                    request.ReplyTo.Tell(new WriteMessagesFailure(request.Token, request.Writes, error), request.OriginalSender);
                }
                else
                {
                    var events = 0;
                    for (var w = 0; w < request.Writes.Count; w++) events += request.Writes[w].Events.Count;
                    _metrics.AddEvents(events);
                    request.ReplyTo.Tell(new WriteMessagesSuccess(request.Token, request.Writes), request.OriginalSender);
                }
            }
            _writing = false;
            if (_waiting.Count > 0) StartBatch();
        });
    }

    private void Enqueue(WriteMessages request)
    {
        _waiting.Add(request);
        if (!_writing) StartBatch();
        else _metrics.SetWaiting(_waiting.Count);
    }

    private void StartBatch()
    {
        List<WriteMessages> batch;
        var writes = 0;
        var take = 0;
        while (take < _waiting.Count && writes < _maxBatchSize) writes += _waiting[take++].Writes.Count;
        if (take == _waiting.Count)
        {
            batch = _waiting;
            _waiting = new List<WriteMessages>();
        }
        else
        {
            batch = _waiting.GetRange(0, take);
            _waiting.RemoveRange(0, take);
        }
        _metrics.SetWaiting(_waiting.Count);
        _writing = true;
        var requests = new IReadOnlyList<AtomicWrite>[batch.Count];
        for (var i = 0; i < batch.Count; i++) requests[i] = batch[i].Writes;
        var self = Self;
        var journal = _journal;
        var metrics = _metrics;
        var log = Log;
        // The commit runs off the actor's turn (SQLite blocks), so new requests keep arriving and buffering meanwhile.
        _ = Task.Run(() => BatchCommitter.CommitAsync(journal, requests, log, metrics.AddTransactions))
            .ContinueWith(t => self.Tell(new BatchCompleted(batch, t.IsCompletedSuccessfully ? t.Result : Everyone(batch.Count, t.Exception!)), self),
                TaskScheduler.Default);
    }

    private static Exception?[] Everyone(int count, Exception error)
    {
        var failures = new Exception?[count];
        Array.Fill(failures, error);
        return failures;
    }
}
