namespace DistSync.Actors;

/// <summary>An ordinary message that stops the actor when it is processed: messages sent before it are handled,
/// messages after it go to dead letters.</summary>
public sealed class PoisonPill : IAutoReceivedMessage
{
    public static readonly PoisonPill Instance = new();

    private PoisonPill()
    {
    }

    public override string ToString() => "PoisonPill";
}
