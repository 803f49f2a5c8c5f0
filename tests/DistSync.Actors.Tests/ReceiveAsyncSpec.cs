using DistSync.TestKit;

namespace DistSync.Actors.Tests;

public sealed class ReceiveAsyncSpec : ActorTestKit
{
    private sealed record Work(TaskCompletionSource Gate, string Name);

    private sealed class AsyncActor : ReceiveActor
    {
        public AsyncActor(IActorRef reporter)
        {
            ReceiveAsync<Work>(async w =>
            {
                reporter.Tell("begin:" + w.Name);
                await w.Gate.Task.ConfigureAwait(false);
                // Sender and Self are still those of this message after the await.
                Sender.Tell("done:" + w.Name, Self);
            });
            ReceiveAsync<string>(async s =>
            {
                await Task.Yield();
                throw new InvalidOperationException("async failure");
            }, s => s == "fail-async");
            Receive<string>(s => reporter.Tell("sync:" + s));
        }

        protected override void PostRestart(Exception reason) => Context.Parent.Tell("ignored");
    }

    [Fact]
    public void The_mailbox_is_suspended_until_the_handler_task_ends()
    {
        var actor = Sys.ActorOf(Props.Create(() => new AsyncActor(TestActor)));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        actor.Tell(new Work(gate, "a"), TestActor);
        actor.Tell("next");
        ExpectMsg("begin:a");
        ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // "next" waits behind the running task
        gate.SetResult();
        ExpectMsg("done:a");
        Assert.Equal(actor, LastSender);
        ExpectMsg("sync:next");
    }

    [Fact]
    public void The_sender_survives_the_await()
    {
        var actor = Sys.ActorOf(Props.Create(() => new AsyncActor(TestActor)), "async");
        var requester = CreateTestProbe();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        requester.Send(actor, new Work(gate, "b"));
        ExpectMsg("begin:b");
        actor.Tell("other", TestActor); // another sender, queued meanwhile
        gate.SetResult();
        requester.ExpectMsg("done:b");
        Assert.Equal(actor, requester.LastSender);
        ExpectMsg("sync:other");
    }

    [Fact]
    public void An_already_completed_handler_task_does_not_suspend_and_a_faulted_one_restarts_before_the_next_message()
    {
        var actor = Sys.ActorOf(Props.Create(() => new SyncAsyncActor(TestActor)));
        actor.Tell("ok");
        actor.Tell("bad");
        actor.Tell("count", TestActor);
        ExpectMsg("ok handled");
        ExpectMsg("restarted");
        ExpectMsg(0); // the fresh instance answers: the failure was settled before "count"
    }

    private sealed class SyncAsyncActor : ReceiveActor
    {
        private readonly IActorRef _reporter;
        private int _handled;

        public SyncAsyncActor(IActorRef reporter)
        {
            _reporter = reporter;
            ReceiveAsync<string>(_ =>
            {
                _handled++;
                reporter.Tell("ok handled");
                return Task.CompletedTask;
            }, s => s == "ok");
            ReceiveAsync<string>(_ => Task.FromException(new InvalidOperationException("sync fault")), s => s == "bad");
            Receive<string>(_ => Sender.Tell(_handled), s => s == "count");
        }

        protected override void PostRestart(Exception reason) => _reporter.Tell("restarted");
    }

    [Fact]
    public void A_faulted_handler_task_fails_the_actor_and_it_restarts()
    {
        var actor = Sys.ActorOf(Props.Create(() => new AsyncActor(TestActor)));
        actor.Tell("fail-async");
        actor.Tell("after");
        ExpectMsg("sync:after");
    }
}
