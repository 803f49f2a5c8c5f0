using DistSync.Actors;

namespace DistSync.TestKit.Tests;

public sealed class TestProbeSpec : ActorTestKit
{
    private sealed class Echo : ReceiveActor
    {
        public Echo()
        {
            ReceiveAny(m => Sender.Tell(m, Self));
        }
    }

    [Fact]
    public void ExpectMsg_returns_the_next_message_of_the_type()
    {
        TestActor.Tell("hello");
        Assert.Equal("hello", ExpectMsg<string>());
    }

    [Fact]
    public void ExpectMsg_fails_on_a_message_of_another_type_naming_both()
    {
        TestActor.Tell(42);
        var ex = Assert.Throws<TestKitAssertionException>(() => ExpectMsg<string>());
        Assert.Contains("String", ex.Message);
        Assert.Contains("Int32", ex.Message);
    }

    [Fact]
    public void ExpectMsg_with_a_predicate_fails_when_it_does_not_hold()
    {
        TestActor.Tell(3);
        Assert.Equal(3, ExpectMsg<int>(i => i == 3));
        TestActor.Tell(4);
        Assert.Throws<TestKitAssertionException>(() => ExpectMsg<int>(i => i == 3));
    }

    [Fact]
    public void ExpectMsg_times_out_when_nothing_arrives()
    {
        var ex = Assert.Throws<TestKitAssertionException>(() => ExpectMsg<string>(TimeSpan.FromMilliseconds(50)));
        Assert.Contains("Timeout", ex.Message);
    }

    [Fact]
    public void ExpectNoMsg_passes_in_silence_and_fails_when_a_message_arrives()
    {
        ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        TestActor.Tell("noise");
        var ex = Assert.Throws<TestKitAssertionException>(() => ExpectNoMsg(TimeSpan.FromMilliseconds(500)));
        Assert.Contains("noise", ex.Message);
    }

    [Fact]
    public void FishForMessage_skips_until_the_match()
    {
        for (var i = 0; i < 5; i++)
        {
            TestActor.Tell(i);
        }

        TestActor.Tell("target");
        TestActor.Tell("after");
        Assert.Equal("target", FishForMessage<string>(s => s == "target"));
        ExpectMsg("after");
    }

    [Fact]
    public void FishForMessage_fails_when_no_message_matches_in_time()
    {
        TestActor.Tell(1);
        Assert.Throws<TestKitAssertionException>(() => FishForMessage<string>(_ => true, TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public void Reply_answers_the_last_sender()
    {
        var probe = CreateTestProbe();
        probe.Send(TestActor, "question");
        ExpectMsg("question");
        Assert.Equal(probe.Ref, LastSender);
        Reply("answer");
        probe.ExpectMsg("answer");
        Assert.Equal(TestActor, probe.LastSender);
    }

    [Fact]
    public async Task A_probe_answers_an_ask()
    {
        var probe = CreateTestProbe();
        var ask = probe.Ref.Ask<string>("ping", TimeSpan.FromSeconds(30));
        probe.ExpectMsg("ping");
        probe.Reply("pong");
        Assert.Equal("pong", await ask);
    }

    [Fact]
    public void Within_passes_for_a_quick_block_and_bounds_expectations_inside()
    {
        var result = Within(TimeSpan.FromSeconds(5), () =>
        {
            TestActor.Tell("quick");
            return ExpectMsg<string>();
        });
        Assert.Equal("quick", result);
        // Inside Within the default expectation timeout is what remains of the block, not 5 s.
        var started = DateTime.UtcNow;
        Assert.Throws<TestKitAssertionException>(() => Within(TimeSpan.FromMilliseconds(200), () => ExpectMsg<string>()));
        Assert.True(DateTime.UtcNow - started < Dilated(TimeSpan.FromSeconds(4)));
    }

    [Fact]
    public void AwaitAssert_retries_until_the_assertion_passes_and_rethrows_the_last_failure()
    {
        var calls = 0;
        AwaitAssert(() => Assert.True(++calls >= 3), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(1));
        Assert.Equal(3, calls);
        Assert.ThrowsAny<Exception>(() => AwaitAssert(() => Assert.Fail("never"), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(5)));
    }

    [Fact]
    public void AwaitCondition_waits_for_the_condition_and_fails_after_the_limit()
    {
        var flag = 0;
        _ = Task.Run(() => Interlocked.Exchange(ref flag, 1));
        AwaitCondition(() => Volatile.Read(ref flag) == 1);
        var ex = Assert.Throws<TestKitAssertionException>(() => AwaitCondition(() => false, TimeSpan.FromMilliseconds(50), message: "the impossible"));
        Assert.Contains("the impossible", ex.Message);
    }

    [Fact]
    public void Watch_and_ExpectTerminated_see_an_actor_stop()
    {
        var echo = Sys.ActorOf(Props.Create(() => new Echo()));
        Watch(echo);
        echo.Tell(PoisonPill.Instance);
        Assert.Equal(echo, ExpectTerminated(echo).ActorRef);
    }

    [Fact]
    public void ExpectTerminated_fails_for_a_live_actor()
    {
        var echo = Sys.ActorOf(Props.Create(() => new Echo()));
        Watch(echo);
        Assert.Throws<TestKitAssertionException>(() => ExpectTerminated(echo, TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public void Each_probe_is_a_real_actor_with_its_own_queue()
    {
        var a = CreateTestProbe("a");
        var b = CreateTestProbe("b");
        Assert.Equal("/system/a", a.Path.ToStringWithoutAddress());
        a.Tell("for a");
        b.Tell("for b");
        Assert.Equal("for b", b.ExpectMsg<string>());
        Assert.Equal("for a", a.ExpectMsg<string>());
        a.ExpectNoMsg(TimeSpan.FromMilliseconds(20));
    }

    [Fact]
    public void ReceiveN_takes_exactly_n_messages_in_order()
    {
        for (var i = 0; i < 3; i++)
        {
            TestActor.Tell(i);
        }

        Assert.Equal(new object[] { 0, 1, 2 }, ReceiveN(3));
    }

    [Fact]
    public void Timeouts_are_scaled_by_the_time_factor()
    {
        Assert.Equal(TimeSpan.FromTicks((long)(TimeSpan.FromSeconds(2).Ticks * TestKitSettings.TimeFactor)), Dilated(TimeSpan.FromSeconds(2)));
    }
}
