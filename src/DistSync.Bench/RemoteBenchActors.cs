using Akka.Actor;
using DistSync.Bench.Wire;
using Google.Protobuf;

namespace DistSync.Bench;

/// <summary>
/// The actors of <see cref="RemoteBench"/>: senders on system A, receivers on system B. The senders keep a window of
/// messages in flight and refill it on each acknowledgement, so the sending side never spins a thread (on two cores a
/// spinning producer would take the CPU the transport needs) and the queues stay bounded.
/// </summary>
internal static class RemoteBenchActors
{
    /// <summary>Starts a sender.</summary>
    public sealed record Go;

    /// <summary>What a sender and the driver share: counters the driver samples and the stop request.</summary>
    public sealed class Flow
    {
        private long acked;
        private volatile bool stopping;

        /// <summary>Messages the receiver has confirmed (one-way) or answered (Raft-like).</summary>
        public long Acked => Interlocked.Read(ref acked);

        public bool Stopping => stopping;

        /// <summary>Completes once stopping was asked and every message sent has been confirmed.</summary>
        public TaskCompletionSource Drained { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Stop() => stopping = true;

        public void SetAcked(long value) => Interlocked.Exchange(ref acked, value);
    }

    /// <summary>
    /// One-way: sends <see cref="BenchPayload"/>s in runs of <c>ackEvery</c>, keeping at most <c>window</c>
    /// unconfirmed; the sink confirms every <c>ackEvery</c> with its cumulative count.
    /// </summary>
    public sealed class OneWaySender : ReceiveActor
    {
        private readonly IActorRef sink;
        private readonly ByteString payload;
        private readonly int window;
        private readonly int ackEvery;
        private readonly Flow flow;
        private long sent;
        private long acked;

        public OneWaySender(IActorRef sink, ByteString payload, int window, int ackEvery, Flow flow)
        {
            this.sink = sink;
            this.payload = payload;
            this.window = window;
            this.ackEvery = ackEvery;
            this.flow = flow;
            Receive<Go>(_ => Fill());
            Receive<BenchAck>(ack =>
            {
                acked = ack.Received;
                flow.SetAcked(acked);
                if (!flow.Stopping) Fill();
                else if (acked == sent) flow.Drained.TrySetResult();
            });
        }

        private void Fill()
        {
            while (sent - acked + ackEvery <= window)
            {
                for (var i = 0; i < ackEvery; i++)
                    sink.Tell(new BenchPayload { Seq = ++sent, Payload = payload }, Self);
            }
        }
    }

    /// <summary>Counts payloads and confirms every <c>ackEvery</c> to the sender.</summary>
    public sealed class CountingSink : ReceiveActor
    {
        private long received;

        public CountingSink(int ackEvery) =>
            Receive<BenchPayload>(_ =>
            {
                if (++received % ackEvery == 0) Sender.Tell(new BenchAck { Received = received }, Self);
            });
    }

    /// <summary>Answers every ping with itself (remote Ask round trips).</summary>
    public sealed class Echo : ReceiveActor
    {
        public Echo() => Receive<BenchPing>(ping => Sender.Tell(ping, Self));
    }

    /// <summary>
    /// Raft-like replication: a leader pipelining AppendEntries of <c>entries</c> entries each, at most <c>window</c>
    /// unanswered, as a Raft leader does towards one follower; every append is answered.
    /// </summary>
    public sealed class Leader : ReceiveActor
    {
        private readonly IActorRef follower;
        private readonly BenchEntry[] batch;
        private readonly int window;
        private readonly Flow flow;
        private long sent;
        private long answered;
        private long nextIndex = 1;

        public Leader(IActorRef follower, int entries, int entryBytes, int window, Flow flow)
        {
            this.follower = follower;
            this.window = window;
            this.flow = flow;
            var command = ByteString.CopyFrom(new byte[entryBytes]);
            batch = Enumerable.Range(0, entries).Select(i => new BenchEntry { Index = i + 1, Term = 3, Command = command }).ToArray();
            Receive<Go>(_ => Fill());
            Receive<BenchAppendReply>(_ =>
            {
                flow.SetAcked(++answered);
                if (!flow.Stopping) Fill();
                else if (answered == sent) flow.Drained.TrySetResult();
            });
        }

        private void Fill()
        {
            while (sent - answered < window)
            {
                // The entries are shared objects (a real leader reads them from its log); the envelope is new.
                var append = new BenchAppend { Term = 3, LeaderId = "n1", PrevLogIndex = nextIndex - 1, PrevLogTerm = 3, LeaderCommit = nextIndex - 1 };
                append.Entries.Add(batch);
                nextIndex += batch.Length;
                sent++;
                follower.Tell(append, Self);
            }
        }
    }

    /// <summary>Acknowledges every append with its match index.</summary>
    public sealed class Follower : ReceiveActor
    {
        public Follower() =>
            Receive<BenchAppend>(append =>
                Sender.Tell(new BenchAppendReply { Term = append.Term, Success = true, MatchIndex = append.PrevLogIndex + append.Entries.Count }, Self));
    }
}
