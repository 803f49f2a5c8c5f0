namespace DistSync.Actors;

/// <summary>Implement on an actor to get <see cref="Timers"/> injected after construction
/// (use it from PreStart or handlers, not the constructor).</summary>
public interface IWithTimers
{
    ITimerScheduler Timers { get; set; }
}
