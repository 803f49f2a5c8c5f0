using DistSync.TestKit;

namespace DistSync.Actors.Tests;

public sealed class StashSpec : ActorTestKit
{
    /// <summary>Stashes everything until "open", then replays it in order.</summary>
    private sealed class DoorActor : ReceiveActor, IWithStash
    {
        public DoorActor()
        {
            Receive<string>(_ =>
            {
                Become(Open);
                Stash.UnstashAll();
            }, s => s == "open");
            Receive<string>(_ => throw new InvalidOperationException("crash while closed"), s => s == "crash");
            ReceiveAny(_ => Stash.Stash());
        }

        public IStash Stash { get; set; } = null!;

        private void Open()
        {
            ReceiveAny(m => Sender.Tell(m));
        }
    }

    [Fact]
    public void Stashed_messages_are_replayed_in_order_with_their_senders_before_newer_ones()
    {
        var door = Sys.ActorOf(Props.Create(() => new DoorActor()));
        var other = CreateTestProbe();
        door.Tell(1, TestActor);
        door.Tell(2, other.Ref);
        door.Tell(3, TestActor);
        door.Tell("open");
        door.Tell(4, TestActor);
        ExpectMsg(1);
        other.ExpectMsg(2);
        ExpectMsg(3);
        ExpectMsg(4);
    }

    [Fact]
    public void A_restart_unstashes_into_the_mailbox()
    {
        var door = Sys.ActorOf(Props.Create(() => new DoorActor()));
        door.Tell(1, TestActor);
        door.Tell(2, TestActor);
        door.Tell("crash");
        door.Tell("open");
        // The fresh instance is closed again: it re-stashes 1 and 2, then "open" replays them.
        ExpectMsg(1);
        ExpectMsg(2);
    }
}
