using DistSync.KeyValue;

namespace DistSync.Node.Kv;

/// <summary>
/// This node's live watches, fed from the meta group's applied entries (<see cref="OnChanged"/> runs on the group's
/// thread, in commit order): a watch on a follower gets every change from its own replica, so a change of leader
/// neither reorders nor drops anything, and there is no round trip to the leader per event.
/// </summary>
public sealed class KvWatchHub
{
    private readonly object _gate = new();
    private readonly int _buffer;
    // Copy-on-write: the apply thread walks a stable array without taking the lock for every change.
    private KvWatcher[] _watchers = [];

    public KvWatchHub(int buffer = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buffer, 1);
        _buffer = buffer;
    }

    public int Count => Volatile.Read(ref _watchers).Length;

    public KvWatcher Subscribe(KvKeyRange range, bool prevValue)
    {
        var watcher = new KvWatcher(range, prevValue, _buffer);
        lock (_gate) _watchers = [.. _watchers, watcher];
        return watcher;
    }

    public void Unsubscribe(KvWatcher watcher)
    {
        lock (_gate) _watchers = Array.FindAll(_watchers, w => !ReferenceEquals(w, watcher));
        watcher.End();
    }

    /// <summary>The meta group applied a change (its thread; must not block).</summary>
    public void OnChanged(KvChange change)
    {
        var watchers = Volatile.Read(ref _watchers);
        KvWatchDelivery? delivery = null;
        foreach (var w in watchers)
        {
            if (!w.Range.Contains(change.Key)) continue;
            delivery ??= new KvWatchDelivery(change);
            w.Offer(delivery);
        }
    }

    /// <summary>A snapshot replaced the state: every watcher re-reads the history from its position.</summary>
    public void OnRestored()
    {
        foreach (var w in Volatile.Read(ref _watchers)) w.MarkOverflow();
    }

    /// <summary>The node stops: every stream ends (so that the HTTP server's drain does not wait on them).</summary>
    public void EndAll()
    {
        KvWatcher[] all;
        lock (_gate)
        {
            all = _watchers;
            _watchers = [];
        }
        foreach (var w in all) w.End();
    }
}
