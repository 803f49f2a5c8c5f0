using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using DistSync.Cache.Messages;
using DistSync.Cache.Wire;

namespace DistSync.Cache.Homes;

/// <summary>The home's operations: each recalls copies, waits for every answer, makes at most one store call, answers.</summary>
public sealed partial class CacheHomeActor
{
    private HomeOperation Begin(string kind, IActorRef requester, Address? requesterAddress, ulong requestId = 0, ulong lineId = 0)
    {
        current = new HomeOperation(++nextOp, kind, requester, requesterAddress) { RequestId = requestId, LineId = lineId };
        SetReceiveTimeout(null);
        Become(Busy);
        return current;
    }

    private void Done()
    {
        current = null;
        Timers.Cancel(OperationTimer);
        Become(Ready);
        Stash.UnstashAll();
        UpdateIdleTimeout();
    }

    private void RecallFrom(HomeOperation op, List<Address> nodes, LineStateWire to, bool writeBack, Action<HomeOperation> then)
    {
        op.Then = then;
        foreach (var node in nodes)
        {
            if (!op.Waiting.Add(node)) continue;
            stats.MessageSent();
            if (to == LineStateWire.LineInvalid) stats.InvalidationSent();
            CacheAt(node).Tell(new Recall { Key = key, OpId = op.Id, To = to, WriteBack = writeBack }, Self);
        }
        if (op.Waiting.Count == 0)
        {
            then(op);
            return;
        }
        Timers.StartSingleTimer(OperationTimer, new OperationTimedOut(op.Id), settings.RequestTimeout);
    }

    private void OnRecallAck(RecallAck ack)
    {
        if (current is not { } op || ack.OpId != op.Id)
        {
            ApplyLateAck(ack);
            return;
        }
        var node = Normalize(Sender.Path.Address);
        if (!op.Waiting.Remove(node)) return;
        op.Acks.Add((node, Sender, ack));
        ApplyAck(node, Sender, ack);
        if (op.Waiting.Count == 0) FinishRecalls(op);
    }

    private void FinishRecalls(HomeOperation op)
    {
        Timers.Cancel(OperationTimer);
        op.Then(op);
    }

    private void OnOperationTimedOut(OperationTimedOut t)
    {
        if (current is not { } op || t.OpId != op.Id) return;
        op.TimedOut.AddRange(op.Waiting);
        op.Waiting.Clear();
        log.Warning("cache home {0}: {1} got no recall answer from {2} in {3}", key, op.Kind, string.Join(", ", op.TimedOut), settings.RequestTimeout);
        FinishRecalls(op);
    }

    private void StoreCall(HomeOperation op, Func<CancellationToken, Task<StoreDone>> call, Action<StoreDone> then)
    {
        op.AfterStore = then;
        var id = op.Id;
        var timeout = settings.StoreTimeout;
        RunStoreAsync(id, call, timeout).PipeTo(Self);
    }

    private static async Task<StoreDone> RunStoreAsync(ulong opId, Func<CancellationToken, Task<StoreDone>> call, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await call(cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is CacheStoreUnavailableException or OperationCanceledException)
        {
            return new StoreDone(opId, null, 0, false, e.Message);
        }
    }

    private void Grant(HomeOperation op, LineStateWire state, StoredValue? value, long version)
    {
        Send(op.Requester, new LineGrant
        {
            Key = key,
            RequestId = op.RequestId,
            State = state,
            Present = value is not null || state == LineStateWire.LineModified,
            Value = value?.Value ?? "",
            Version = value?.Version ?? version,
            Incarnation = incarnation,
        });
    }

    private void Refuse(HomeOperation op, string code, string message, long highestToken = 0)
    {
        stats.RefusedOne();
        if (op.Requester == ActorRefs.Nobody) return;
        Send(op.Requester, new LineRefused { Key = key, RequestId = op.RequestId, Code = code, Message = message, HighestToken = highestToken });
    }

    /// <summary>A new incarnation knows nothing: recall the key from every member (dirty copies write back). A node that
    /// does not answer in time stays in the directory as a possible owner.</summary>
    private void StartRebuild()
    {
        var op = Begin("rebuild", ActorRefs.Nobody, null);
        var unreachable = cluster.State.Unreachable;
        var nodes = new List<Address> { selfAddress };
        foreach (var m in cluster.State.Members)
        {
            if (m.Status is MemberStatus.Removed or MemberStatus.Down || unreachable.Contains(m) || m.Address == selfAddress) continue;
            nodes.Add(m.Address);
        }
        RecallFrom(op, nodes, LineStateWire.LineInvalid, writeBack: true, o =>
        {
            foreach (var node in o.TimedOut) holders[node] = new HomeHolder(ActorRefs.Nobody, 0, Owner: true);
            Done();
        });
    }

    private void StartRead(HomeRead m)
    {
        var node = Normalize(Sender.Path.Address);
        var op = Begin("read", Sender, node, m.RequestId, m.LineId);
        // the requester missed: whatever this directory recorded for its node is gone
        Remove(node);
        var owners = new List<Address>();
        foreach (var (n, h) in holders)
            if (h.Owner) owners.Add(n);
        if (owners.Count == 0)
        {
            ContinueRead(op, null);
            return;
        }
        // Read miss while another node holds E or M: it writes back (when dirty) and drops to S.
        RecallFrom(op, owners, LineStateWire.LineShared, writeBack: true, o =>
        {
            if (o.TimedOut.Count > 0)
            {
                Refuse(o, CacheFailure.Unavailable, $"the owner of cache key '{key}' did not answer in time");
                Done();
                return;
            }
            StoredValue? held = null;
            foreach (var (_, _, ack) in o.Acks)
            {
                if (ack.Error.Length > 0)
                {
                    Refuse(o, CacheFailure.Unavailable, $"the owner of cache key '{key}' could not write its value back: {ack.Error}");
                    Done();
                    return;
                }
                if (ack.Held) held ??= new StoredValue(ack.Value, ack.Version);
            }
            ContinueRead(o, held);
        });
    }

    private void ContinueRead(HomeOperation op, StoredValue? known)
    {
        known ??= holders.Count > 0 ? clean : null;
        if (known is not null)
        {
            GrantRead(op, known);
            return;
        }
        // nobody holds it: the KV has the latest value
        StoreCall(op, async ct => new StoreDone(op.Id, await store.ReadAsync(key, ct).ConfigureAwait(false), 0, false, null), d =>
        {
            if (d.Error is not null) Refuse(op, CacheFailure.Unavailable, $"cache key '{key}': the backing store did not answer: {d.Error}");
            else if (d.Read is null) Grant(op, LineStateWire.LineInvalid, null, 0);
            else
            {
                GrantRead(op, d.Read);
                return;
            }
            Done();
        });
    }

    private void GrantRead(HomeOperation op, StoredValue value)
    {
        var node = op.RequesterAddress!;
        if (holders.Count > 0)
        {
            holders[node] = new HomeHolder(op.Requester, op.LineId, Owner: false);
            clean = value;
            Grant(op, LineStateWire.LineShared, value, 0);
        }
        else
        {
            holders[node] = new HomeHolder(op.Requester, op.LineId, Owner: true);
            clean = null;
            Grant(op, LineStateWire.LineExclusive, value, 0);
        }
        Done();
    }

    private void StartWrite(HomeWrite m)
    {
        var node = Normalize(Sender.Path.Address);
        var op = Begin("write", Sender, node, m.RequestId, m.LineId);
        if (m.FenceResource.Length > 0)
        {
            // the resource remembers the highest token it has seen (Kleppmann): an older one is a stale holder
            if (fences.TryGetValue(m.FenceResource, out var highest) && m.FenceToken < highest)
            {
                Refuse(op, CacheFailure.StaleFence, $"fencing token {m.FenceToken} of '{m.FenceResource}' is older than {highest}, seen by cache key '{key}'", highest);
                Done();
                return;
            }
            fences[m.FenceResource] = m.FenceToken;
        }
        var others = new List<Address>();
        foreach (var n in holders.Keys)
            if (n != node) others.Add(n);
        // Write in S or I: every other copy is invalidated and acknowledged before M is granted.
        RecallFrom(op, others, LineStateWire.LineInvalid, writeBack: false, o =>
        {
            if (o.TimedOut.Count > 0)
            {
                Refuse(o, CacheFailure.Unavailable, $"cache key '{key}': {o.TimedOut.Count} node(s) did not acknowledge the invalidation in time");
                Done();
                return;
            }
            if (settings.WritePolicy == WritePolicy.WriteBack)
            {
                GrantWrite(o, 0);
                return;
            }
            var value = m.Value;
            StoreCall(o, async ct => new StoreDone(o.Id, null, await store.WriteAsync(key, value, ct).ConfigureAwait(false), false, null), d =>
            {
                if (d.Error is null)
                {
                    GrantWrite(o, d.Version);
                    return;
                }
                Refuse(o, CacheFailure.Unavailable, $"cache key '{key}': the write-through to the backing store failed (outcome unknown): {d.Error}");
                Done();
            });
        });
    }

    private void GrantWrite(HomeOperation op, long version)
    {
        holders.Clear();
        holders[op.RequesterAddress!] = new HomeHolder(op.Requester, op.LineId, Owner: true);
        clean = null;
        Grant(op, LineStateWire.LineModified, null, version);
        Done();
    }

    private void StartInvalidate()
    {
        var op = Begin("invalidate", Sender, null);
        RecallFrom(op, [.. holders.Keys], LineStateWire.LineInvalid, writeBack: false, o =>
        {
            var copies = 0;
            foreach (var (_, _, ack) in o.Acks)
                if (ack.Held) copies++;
            if (o.TimedOut.Count > 0)
            {
                Send(o.Requester, new InvalidateDone { Key = key, Copies = copies, Error = $"{o.TimedOut.Count} node(s) did not acknowledge the invalidation in time" });
                Done();
                return;
            }
            StoreCall(o, async ct => new StoreDone(o.Id, null, 0, await store.DeleteAsync(key, ct).ConfigureAwait(false), null), d =>
            {
                Send(o.Requester, new InvalidateDone { Key = key, Copies = copies, Deleted = d.Deleted, Error = d.Error ?? "" });
                Done();
            });
        });
    }

    private void StartReinvalidate(Reinvalidate r)
    {
        var op = Begin("reinvalidate", ActorRefs.Nobody, null);
        RecallFrom(op, [r.Node], LineStateWire.LineInvalid, writeBack: false, _ => Done());
    }

    /// <summary>Moving or passivating: recall every copy (dirty ones write back) so the next home starts from the KV,
    /// then stop; requests that arrived meanwhile go back to the region, which delivers them to the next home.</summary>
    private void StartHandOff()
    {
        if (holders.Count == 0)
        {
            Stop();
            return;
        }
        var op = Begin("hand-off", ActorRefs.Nobody, null);
        RecallFrom(op, [.. holders.Keys], LineStateWire.LineInvalid, writeBack: true, _ => Stop());
    }

    private void Stop()
    {
        current = null;
        var region = homes();
        foreach (var envelope in Stash.ClearStash())
            if (envelope.Message is HomeRead or HomeWrite or HomeInvalidate or HomeDropped or HomeUpgraded) region.Tell(envelope.Message, envelope.Sender);
        Context.Stop(Self);
    }
}
