namespace DistSync.Raft.Hosting;

/// <summary>
/// The fault seam of Raft's send path, for specs and the admin fault routes: a fixed delay and a seeded drop rate
/// per (from node, to node) pair, applied to every <c>GroupMessage</c> a <see cref="RaftActor"/> sends. Akka's
/// transport adapters can black-hole a link (the throttler) but have no fixed delay and drop with an unseeded
/// random, so a run would not replay. Thread-safe; with no rules it costs one volatile read per send.
/// </summary>
public sealed class RaftLinkFaults
{
    private readonly object gate = new();
    private readonly Random random;
    private volatile Dictionary<(string From, string To), Rule> rules = new();

    public RaftLinkFaults(int seed = 4242) => random = new Random(seed);

    public readonly record struct Rule(TimeSpan Delay, double DropFraction);

    public bool IsActive => rules.Count > 0;

    /// <summary>Holds every message from <paramref name="from"/> to <paramref name="to"/> back by <paramref name="delay"/> (order is kept).</summary>
    public void Delay(string from, string to, TimeSpan delay)
    {
        if (delay < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(delay), delay, "delay must not be negative");
        Update(from, to, r => r with { Delay = delay });
    }

    /// <summary>Drops the given fraction (0..1) of the messages from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public void Drop(string from, string to, double fraction)
    {
        if (fraction is < 0 or > 1 || double.IsNaN(fraction)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "drop fraction must be within 0..1");
        Update(from, to, r => r with { DropFraction = fraction });
    }

    /// <summary>Removes the rules between <paramref name="a"/> and <paramref name="b"/>, both directions.</summary>
    public void Heal(string a, string b)
    {
        lock (gate)
        {
            var next = new Dictionary<(string, string), Rule>(rules);
            next.Remove((a, b));
            next.Remove((b, a));
            rules = next;
        }
    }

    public void HealAll()
    {
        lock (gate) rules = new();
    }

    /// <summary>What to do with one message: drop it, or send it after the returned delay (zero: now).</summary>
    public bool ShouldDrop(string from, string to, out TimeSpan delay)
    {
        delay = TimeSpan.Zero;
        var current = rules;
        if (current.Count == 0 || !current.TryGetValue((from, to), out var rule)) return false;
        delay = rule.Delay;
        if (rule.DropFraction <= 0) return false;
        lock (gate) return random.NextDouble() < rule.DropFraction;
    }

    /// <summary>Dropped so far (counted for the log and the specs).</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    private long dropped;

    internal void CountDrop() => Interlocked.Increment(ref dropped);

    private void Update(string from, string to, Func<Rule, Rule> change)
    {
        ArgumentException.ThrowIfNullOrEmpty(from);
        ArgumentException.ThrowIfNullOrEmpty(to);
        lock (gate)
        {
            var next = new Dictionary<(string, string), Rule>(rules);
            next[(from, to)] = change(next.TryGetValue((from, to), out var r) ? r : default);
            rules = next;
        }
    }
}
