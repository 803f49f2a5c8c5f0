using DistSync.TestKit;

namespace DistSync.Actors.Tests;

public sealed class EventStreamSpec : ActorTestKit
{
    private abstract record Animal(string Name);

    private sealed record Dog(string Name) : Animal(Name);

    private sealed record Cat(string Name) : Animal(Name);

    [Fact]
    public void A_subscriber_to_a_base_type_receives_derived_events()
    {
        Sys.EventStream.Subscribe<Animal>(TestActor);
        Sys.EventStream.Publish(new Dog("rex"));
        Sys.EventStream.Publish(new Cat("tom"));
        ExpectMsg(new Dog("rex"));
        ExpectMsg(new Cat("tom"));
    }

    [Fact]
    public void A_subscriber_to_a_concrete_type_receives_only_that_type()
    {
        Sys.EventStream.Subscribe<Cat>(TestActor);
        Sys.EventStream.Publish(new Dog("rex"));
        Sys.EventStream.Publish(new Cat("tom"));
        ExpectMsg(new Cat("tom"));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void After_unsubscribe_nothing_more_arrives()
    {
        Assert.True(Sys.EventStream.Subscribe<Dog>(TestActor));
        Assert.False(Sys.EventStream.Subscribe<Dog>(TestActor));
        Sys.EventStream.Publish(new Dog("one"));
        ExpectMsg(new Dog("one"));
        Assert.True(Sys.EventStream.Unsubscribe(TestActor, typeof(Dog)));
        Sys.EventStream.Publish(new Dog("two"));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_stopped_subscriber_is_unsubscribed()
    {
        var subscriber = Sys.ActorOf(Props.Create(() => new EchoActor()));
        Sys.EventStream.Subscribe<Dog>(subscriber);
        Watch(subscriber);
        Sys.Stop(subscriber);
        ExpectTerminated(subscriber);
        Assert.False(Sys.EventStream.Unsubscribe(subscriber));
    }
}
