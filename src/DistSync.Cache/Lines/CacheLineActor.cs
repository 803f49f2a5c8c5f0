using System.Text;
using Akka.Actor;
using Akka.Event;
using DistSync.Cache.Messages;
using DistSync.Cache.Wire;

namespace DistSync.Cache.Lines;

/// <summary>
/// One cached key on one node (a child of <see cref="NodeCache"/>): its MESI state, value, version and dirty flag.
/// Behaviours: <see cref="Idle"/> (no request at the home), <see cref="Awaiting"/> (a miss or a write is at the home;
/// local commands wait in the stash, the home's recalls are answered at once so a home serving another node never
/// waits on this line), <see cref="WritingBack"/> (a dirty value is being committed to the KV; everything waits) and
/// <see cref="Evicting"/> (the home is told the copy goes; new commands go back to the node cache for the key's next
/// line). Every state change is published to the <see cref="CacheLineView"/> before it is acknowledged to anyone.
/// </summary>
public sealed class CacheLineActor : ReceiveActor, IWithStash, IWithTimers
{
    private const string RequestTimer = "request";
    private const string DropTimer = "drop";

    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly string key;
    private readonly ulong lineId;
    private readonly CacheLineView view;
    private readonly IActorRef homes;
    private readonly ICacheStore store;
    private readonly CacheSettings settings;
    private readonly CacheStats stats;
    private readonly Address selfAddress;

    private LineState state;
    private string? value;
    private long version;
    private bool dirty;
    private int bytes;
    private Address? home;
    private bool everAsked;
    private ulong nextRequest;

    private ulong pendingId;
    private object? pendingCommand;
    private IActorRef pendingReplyTo = ActorRefs.Nobody;

    private Action returnAfterWriteBack;
    private Action<WriteBackDone> afterWriteBack = _ => { };

    public CacheLineActor(string key, ulong lineId, CacheLineView view, IActorRef homes, ICacheStore store, CacheSettings settings,
        CacheStats stats, Address selfAddress)
    {
        this.key = key;
        this.lineId = lineId;
        this.view = view;
        this.homes = homes;
        this.store = store;
        this.settings = settings;
        this.stats = stats;
        this.selfAddress = selfAddress;
        returnAfterWriteBack = Idle;
        Idle();
    }

    public IStash Stash { get; set; } = null!;
    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(string key, ulong lineId, CacheLineView view, IActorRef homes, ICacheStore store, CacheSettings settings,
        CacheStats stats, Address selfAddress) =>
        Props.Create(() => new CacheLineActor(key, lineId, view, homes, store, settings, stats, selfAddress));

    private void Idle()
    {
        Receive<CacheRead>(OnRead);
        Receive<CacheWrite>(OnWrite);
        Receive<Recall>(r => OnRecall(r, Idle));
        Receive<EvictLine>(_ => StartEvict());
        Receive<HomeUnreachable>(u => OnHomeUnreachable(u, Idle));
        // A grant for a request this line gave up on (timeout): the home counts this node as a holder it is not, a
        // superset that costs one recall answered "not held". Nothing to undo.
        Receive<LineGrant>(g => log.Debug("cache line {0}: grant for request {1} after it was given up", key, g.RequestId));
        Receive<LineRefused>(_ => { });
        Receive<LineDroppedAck>(_ => { });
        Receive<RequestTimedOut>(_ => { });
    }

    private void Awaiting()
    {
        Receive<LineGrant>(OnGrant);
        Receive<LineRefused>(OnRefused);
        Receive<RequestTimedOut>(OnRequestTimedOut);
        Receive<Recall>(r => OnRecall(r, Awaiting));
        Receive<HomeUnreachable>(u => OnHomeUnreachable(u, Awaiting));
        Receive<LineDroppedAck>(_ => { });
        ReceiveAny(_ => Stash.Stash());
    }

    private void WritingBack()
    {
        Receive<WriteBackDone>(done =>
        {
            if (done.Error is null)
            {
                stats.WriteBack();
                version = done.Version;
                dirty = false;
                Publish();
            }
            else
            {
                stats.WriteBackFailed();
                log.Warning("cache line {0}: write-back failed, the line stays M: {1}", key, done.Error);
            }
            Become(returnAfterWriteBack);
            Stash.UnstashAll();
            afterWriteBack(done);
        });
        ReceiveAny(_ => Stash.Stash());
    }

    private void Evicting()
    {
        Receive<LineDroppedAck>(a =>
        {
            if (a.LineId == lineId) FinishEviction();
        });
        Receive<DropTimedOut>(_ =>
        {
            log.Warning("cache line {0}: its home did not acknowledge the eviction in {1}; stopping anyway", key, settings.RequestTimeout);
            FinishEviction();
        });
        Receive<Recall>(r => OnRecall(r, Evicting));
        Receive<HomeUnreachable>(u =>
        {
            if (home is not null && u.Address == home) FinishEviction();
        });
        Receive<CacheRead>(m => Context.Parent.Tell(new ReturnedCommand(m, Sender)));
        Receive<CacheWrite>(m => Context.Parent.Tell(new ReturnedCommand(m, Sender)));
        Receive<LineGrant>(_ => { });
        Receive<LineRefused>(_ => { });
        Receive<EvictLine>(_ => { });
        Receive<RequestTimedOut>(_ => { });
    }

    private void OnRead(CacheRead m)
    {
        if (state != LineState.Invalid)
        {
            // a hit that raced past the view (the read path found I, the line got filled meanwhile): still local
            view.Touch();
            stats.Hit();
            Sender.Tell(new CacheReadResult(true, value, state, true, version));
            return;
        }
        stats.Miss();
        SendHome(new HomeRead { Key = key, LineId = lineId, RequestId = ++nextRequest });
        Await(m);
    }

    private void OnWrite(CacheWrite m)
    {
        var fenced = m.FenceResource is not null;
        if (!fenced && settings.WritePolicy == WritePolicy.WriteBack && state is LineState.Modified or LineState.Exclusive)
        {
            // Write hit in E or M: this is the only copy, so no invalidation round. E -> M tells the home, unanswered.
            if (state == LineState.Exclusive) SendHome(new HomeUpgraded { Key = key, LineId = lineId });
            state = LineState.Modified;
            value = m.Value;
            dirty = true;
            Publish();
            stats.LocalWrite();
            Sender.Tell(new CacheWriteResult(LineState.Modified, version, Local: true));
            return;
        }
        // Write in S or I (and every write-through or fenced write): the home serializes it with the key's other
        // writers, invalidates every other copy and collects the acks before it grants M.
        stats.HomeWrite();
        SendHome(new HomeWrite
        {
            Key = key,
            LineId = lineId,
            RequestId = ++nextRequest,
            Value = m.Value,
            FenceResource = m.FenceResource ?? "",
            FenceToken = m.FenceToken,
        });
        Await(m);
    }

    private void Await(object command)
    {
        pendingId = nextRequest;
        pendingCommand = command;
        pendingReplyTo = Sender;
        everAsked = true;
        Timers.StartSingleTimer(RequestTimer, new RequestTimedOut(pendingId), settings.RequestTimeout);
        Become(Awaiting);
    }

    private void OnGrant(LineGrant g)
    {
        if (g.RequestId != pendingId) return;
        home = Normalize(Sender.Path.Address);
        switch (pendingCommand)
        {
            case CacheRead when !g.Present:
                Reply(new CacheReadResult(false, null, LineState.Invalid, false, 0));
                break;
            case CacheRead:
                state = FromWire(g.State);
                value = g.Value;
                version = g.Version;
                dirty = false;
                Publish();
                view.Touch();
                Reply(new CacheReadResult(true, value, state, false, version));
                break;
            case CacheWrite w:
                state = LineState.Modified;
                value = w.Value;
                // under write-through the home committed the value to the KV before granting
                dirty = settings.WritePolicy == WritePolicy.WriteBack;
                version = g.Version;
                Publish();
                Reply(new CacheWriteResult(LineState.Modified, version, Local: false));
                break;
        }
        FinishRequest();
    }

    private void OnRefused(LineRefused r)
    {
        if (r.RequestId != pendingId) return;
        stats.RefusedOne();
        Reply(new CacheFailure(r.Code, r.Message, r.HighestToken));
        FinishRequest();
    }

    private void OnRequestTimedOut(RequestTimedOut t)
    {
        if (t.RequestId != pendingId) return;
        stats.RefusedOne();
        Reply(new CacheFailure(CacheFailure.Unavailable,
            $"the home of cache key '{key}' did not answer within {settings.RequestTimeout.TotalSeconds:0.#} s (a write's outcome is unknown)"));
        FinishRequest();
    }

    private void Reply(object answer)
    {
        pendingReplyTo.Tell(answer);
        pendingReplyTo = ActorRefs.Nobody;
    }

    private void FinishRequest()
    {
        Timers.Cancel(RequestTimer);
        pendingId = 0;
        pendingCommand = null;
        Become(Idle);
        Stash.UnstashAll();
    }

    private void OnRecall(Recall r, Action current)
    {
        var replyTo = Sender;
        var held = state != LineState.Invalid;
        if (r.To == LineStateWire.LineInvalid && held) stats.InvalidationReceived();
        // An S copy is clean by definition, so a dirty line downgraded to S writes back whatever the home asked.
        var needWriteBack = state == LineState.Modified && dirty && (r.WriteBack || r.To == LineStateWire.LineShared);
        if (!needWriteBack)
        {
            AnswerRecall(r, replyTo, held, error: null);
            return;
        }
        StartWriteBack(current, done => AnswerRecall(r, replyTo, held, done.Error));
    }

    private void AnswerRecall(Recall r, IActorRef replyTo, bool held, string? error)
    {
        var ack = new RecallAck { Key = key, OpId = r.OpId, Held = held, LineId = lineId };
        if (held)
        {
            ack.Value = value ?? "";
            ack.Version = version;
        }
        if (error is not null)
        {
            // the write-back failed: the value exists only here, so the line keeps it (still M) and says so
            ack.Error = error;
            ack.StateAfter = LineStateWire.LineModified;
        }
        else
        {
            var target = r.To == LineStateWire.LineShared && held ? LineState.Shared : LineState.Invalid;
            if (target != state)
            {
                state = target;
                if (target == LineState.Invalid) value = null;
                dirty = false;
                Publish();
            }
            ack.StateAfter = ToWire(state);
        }
        stats.MessageSent();
        replyTo.Tell(ack, Self);
    }

    private void StartWriteBack(Action returnTo, Action<WriteBackDone> then)
    {
        returnAfterWriteBack = returnTo;
        afterWriteBack = then;
        var toWrite = value ?? "";
        var timeout = settings.StoreTimeout;
        Become(WritingBack);
        WriteBackAsync(store, key, toWrite, timeout).PipeTo(Self);
    }

    private static async Task<WriteBackDone> WriteBackAsync(ICacheStore store, string key, string value, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return new WriteBackDone(await store.WriteAsync(key, value, cts.Token).ConfigureAwait(false), null);
        }
        catch (Exception e) when (e is CacheStoreUnavailableException or OperationCanceledException)
        {
            return new WriteBackDone(0, e.Message);
        }
    }

    private void StartEvict()
    {
        if (!everAsked && state == LineState.Invalid)
        {
            FinishEviction();
            return;
        }
        if (state == LineState.Modified && dirty)
        {
            StartWriteBack(Idle, done =>
            {
                if (done.Error is null) SendDropped();
                else Context.Parent.Tell(new EvictionAborted(key));
            });
            return;
        }
        SendDropped();
    }

    private void SendDropped()
    {
        SendHome(new HomeDropped { Key = key, LineId = lineId });
        Timers.StartSingleTimer(DropTimer, DropTimedOut.Instance, settings.RequestTimeout);
        Become(Evicting);
    }

    private void FinishEviction()
    {
        if (dirty) stats.LostDirty();
        state = LineState.Invalid;
        value = null;
        dirty = false;
        Publish();
        stats.Evicted();
        Context.Stop(Self);
    }

    private void OnHomeUnreachable(HomeUnreachable u, Action current)
    {
        if (home is null || u.Address != home || state == LineState.Invalid) return;
        // That home drops this node from its directory, and a new home could not reach this copy: drop it. A dirty
        // value is written back first when the KV can still be reached (the home died, this node did not); a newer
        // write made meanwhile lives in its writer's M line, which writes back after this. If the KV cannot be reached
        // the value is lost: the documented write-back loss.
        if (dirty)
        {
            StartWriteBack(current, done =>
            {
                if (done.Error is not null)
                {
                    stats.LostDirty();
                    log.Warning("cache line {0}: its home at {1} became unreachable and the write-back failed; the dirty value is dropped: {2}",
                        key, u.Address, done.Error);
                }
                DropCopy();
            });
            return;
        }
        DropCopy();
    }

    private void DropCopy()
    {
        state = LineState.Invalid;
        value = null;
        dirty = false;
        Publish();
    }

    private void SendHome(object message)
    {
        stats.MessageSent();
        homes.Tell(message, Self);
    }

    private void Publish()
    {
        var next = state == LineState.Invalid ? 0 : Encoding.UTF8.GetByteCount(value ?? "");
        stats.AddBytes(next - bytes);
        var grew = next > bytes;
        bytes = next;
        view.Publish(state == LineState.Invalid ? LineSnapshot.Invalid : new LineSnapshot(state, value, version, bytes));
        if (grew) Context.Parent.Tell(LineChanged.Instance);
    }

    private Address Normalize(Address address) => address.Host is null ? selfAddress : address;

    protected override void PostStop()
    {
        // stopped by its supervisor or the system: what it held is gone, say so in the shared view and the byte count
        if (bytes != 0) stats.AddBytes(-bytes);
        bytes = 0;
        view.Publish(LineSnapshot.Invalid);
        if (pendingCommand is not null) pendingReplyTo.Tell(new CacheFailure(CacheFailure.Unavailable, $"the cache line of '{key}' stopped"));
    }

    internal static LineState FromWire(LineStateWire s) => s switch
    {
        LineStateWire.LineShared => LineState.Shared,
        LineStateWire.LineExclusive => LineState.Exclusive,
        LineStateWire.LineModified => LineState.Modified,
        _ => LineState.Invalid,
    };

    internal static LineStateWire ToWire(LineState s) => s switch
    {
        LineState.Shared => LineStateWire.LineShared,
        LineState.Exclusive => LineStateWire.LineExclusive,
        LineState.Modified => LineStateWire.LineModified,
        _ => LineStateWire.LineInvalid,
    };
}
