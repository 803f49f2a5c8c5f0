namespace DistSync.Akka.Coordination.Tests;

/// <summary>Tests only: a clock that moves when told (timestamps in ticks).</summary>
internal sealed class ManualTime : TimeProvider
{
    private long _now = TimeSpan.FromHours(1).Ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _now);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _now, by.Ticks);
}
