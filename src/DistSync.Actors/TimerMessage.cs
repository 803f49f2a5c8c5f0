namespace DistSync.Actors;

/// <summary>What a timer sends; the actor delivers the payload only if the timer is still the current one.</summary>
internal sealed class TimerMessage(TimerScheduler.Entry entry) : IAutoReceivedMessage
{
    public TimerScheduler.Entry Entry { get; } = entry;

    public int Generation { get; } = entry.Generation;
}
