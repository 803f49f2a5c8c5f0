using Akka.Actor;

namespace DistSync.Persistence.Tests.Plugins;

/// <summary>A throw-away actor that receives a journal's replies for one request and hands each to
/// <c>onReply</c> (on the actor's thread) until it returns true.</summary>
public sealed class ReplyCollector : UntypedActor
{
    private readonly Func<object, bool> _onReply;

    public ReplyCollector(Func<object, bool> onReply) => _onReply = onReply;

    public static Props Props(Func<object, bool> onReply) => Akka.Actor.Props.Create(() => new ReplyCollector(onReply));

    protected override void OnReceive(object message)
    {
        if (_onReply(message)) Context.Stop(Self);
    }
}
