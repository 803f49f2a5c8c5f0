namespace DistSync.Actors.Remote.Faults;

/// <summary>
/// One fault on the traffic from <see cref="From"/> to <see cref="To"/> (null = any node).
/// Blocked wins over drop and delay.
/// </summary>
public sealed record FaultRule(Address? From, Address? To, bool Blocked, double DropFraction, TimeSpan Delay)
{
    public bool Matches(Address from, Address to) =>
        (From is null || From == from) && (To is null || To == to);

    public override string ToString() =>
        $"{From?.ToString() ?? "*"} -> {To?.ToString() ?? "*"}: " +
        (Blocked ? "blocked" : $"drop {DropFraction:P0}, delay {Delay.TotalMilliseconds} ms");
}
