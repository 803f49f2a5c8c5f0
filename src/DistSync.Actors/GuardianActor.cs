namespace DistSync.Actors;

/// <summary>The root, <c>/user</c> and <c>/system</c> guardians: they only supervise.</summary>
internal sealed class GuardianActor : ActorBase
{
    protected override bool Receive(object message) => false;
}
