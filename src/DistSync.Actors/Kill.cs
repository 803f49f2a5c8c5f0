namespace DistSync.Actors;

/// <summary>An ordinary message that makes the actor fail with <see cref="ActorKilledException"/>
/// (the default supervisor then stops it).</summary>
public sealed class Kill : IAutoReceivedMessage
{
    public static readonly Kill Instance = new();

    private Kill()
    {
    }

    public override string ToString() => "Kill";
}
