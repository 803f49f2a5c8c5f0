namespace DistSync.Actors.Remote.Faults;

/// <summary>
/// Test seam in the transport: blocks, drops or delays the traffic between pairs of nodes. A transport
/// consults it for every outbound envelope (block, drop, delay) and every inbound one (block only), so a
/// block works whether one injector is shared by all systems of a test process or each node process has
/// its own. Drops use a seeded random, so a run replays. Inactive (no rules) costs one volatile read.
/// </summary>
public sealed class FaultInjector
{
    private readonly object _gate = new();
    private readonly Random _random;
    private volatile FaultRule[] _rules = [];

    public FaultInjector(int seed = 12345)
    {
        _random = new Random(seed);
    }

    public bool IsActive => _rules.Length > 0;

    public IReadOnlyList<FaultRule> Rules => _rules;

    /// <summary>Drops everything sent from <paramref name="from"/> to <paramref name="to"/> (one direction).</summary>
    public void Block(Address from, Address to) => Upsert(new FaultRule(from, to, true, 0, TimeSpan.Zero));

    /// <summary>Drops everything between <paramref name="a"/> and <paramref name="b"/> in both directions.</summary>
    public void BlockBoth(Address a, Address b)
    {
        Block(a, b);
        Block(b, a);
    }

    /// <summary>Cuts <paramref name="node"/> off from every other node, both directions.</summary>
    public void Isolate(Address node)
    {
        Upsert(new FaultRule(node, null, true, 0, TimeSpan.Zero));
        Upsert(new FaultRule(null, node, true, 0, TimeSpan.Zero));
    }

    /// <summary>Drops the given fraction (0..1) of the messages from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public void Drop(Address from, Address to, double fraction)
    {
        if (fraction is < 0 or > 1 || double.IsNaN(fraction))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "drop fraction must be within 0..1");
        }

        Upsert(new FaultRule(from, to, false, fraction, TimeSpan.Zero), keepDelay: true);
    }

    /// <summary>Holds each batch of messages from <paramref name="from"/> to <paramref name="to"/> back by <paramref name="delay"/> (order is kept).</summary>
    public void Delay(Address from, Address to, TimeSpan delay)
    {
        if (delay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "delay must not be negative");
        }

        Upsert(new FaultRule(from, to, false, 0, delay), keepDrop: true);
    }

    /// <summary>Removes every rule between <paramref name="a"/> and <paramref name="b"/> (both directions), including <see cref="Isolate"/> rules naming either.</summary>
    public void Heal(Address a, Address b)
    {
        lock (_gate)
        {
            var kept = new List<FaultRule>();
            foreach (var rule in _rules)
            {
                if (!rule.Matches(a, b) && !rule.Matches(b, a))
                {
                    kept.Add(rule);
                }
            }

            _rules = kept.ToArray();
        }
    }

    /// <summary>Removes every rule that names <paramref name="node"/> on either side.</summary>
    public void Heal(Address node)
    {
        lock (_gate)
        {
            var kept = new List<FaultRule>();
            foreach (var rule in _rules)
            {
                if (rule.From != node && rule.To != node)
                {
                    kept.Add(rule);
                }
            }

            _rules = kept.ToArray();
        }
    }

    public void HealAll()
    {
        lock (_gate)
        {
            _rules = [];
        }
    }

    /// <summary>True when traffic from -> to is blocked outright.</summary>
    public bool IsBlocked(Address from, Address to)
    {
        var rules = _rules;
        for (var i = 0; i < rules.Length; i++)
        {
            if (rules[i].Blocked && rules[i].Matches(from, to))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Decides the fate of one outbound message: blocked, or dropped by the random fraction.</summary>
    public bool ShouldDrop(Address from, Address to)
    {
        var rules = _rules;
        for (var i = 0; i < rules.Length; i++)
        {
            var rule = rules[i];
            if (!rule.Matches(from, to))
            {
                continue;
            }

            if (rule.Blocked)
            {
                return true;
            }

            if (rule.DropFraction > 0)
            {
                lock (_random)
                {
                    if (_random.NextDouble() < rule.DropFraction)
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    /// <summary>The largest delay configured for from -> to (zero when none).</summary>
    public TimeSpan DelayFor(Address from, Address to)
    {
        var rules = _rules;
        var delay = TimeSpan.Zero;
        for (var i = 0; i < rules.Length; i++)
        {
            if (rules[i].Matches(from, to) && rules[i].Delay > delay)
            {
                delay = rules[i].Delay;
            }
        }

        return delay;
    }

    private void Upsert(FaultRule rule, bool keepDelay = false, bool keepDrop = false)
    {
        lock (_gate)
        {
            var next = new List<FaultRule>(_rules.Length + 1);
            foreach (var existing in _rules)
            {
                if (existing.From == rule.From && existing.To == rule.To)
                {
                    // One rule per pair: merge drop and delay settings, a block replaces everything.
                    if (!rule.Blocked && !existing.Blocked)
                    {
                        rule = rule with
                        {
                            DropFraction = keepDrop ? existing.DropFraction : rule.DropFraction,
                            Delay = keepDelay ? existing.Delay : rule.Delay,
                        };
                    }

                    continue;
                }

                next.Add(existing);
            }

            next.Add(rule);
            _rules = next.ToArray();
        }
    }
}
