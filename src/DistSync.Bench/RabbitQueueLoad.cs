using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using ClosedLoopResult = DistSync.Bench.BenchSupport.ClosedLoopResult;
using EndToEndResult = DistSync.Bench.BenchSupport.EndToEndResult;

namespace DistSync.Bench;

/// <summary>
/// bench queues' phases (a) and (b) against a RabbitMQ quorum queue through RabbitMQ.Client, shaped like DistSync's:
/// 16-byte payloads carrying the send time (a Stopwatch timestamp as 16 hex digits), persistent messages, producers
/// round-robin over the nodes, consumers on the next node over. Every producer and consumer has its own channel (the
/// unit of concurrency and of confirm tracking); producers and consumers use separate connections per node, as
/// RabbitMQ advises, so flow control that blocks a publishing connection does not also stall acks.
/// <para>Not thread-safe: one caller runs one phase at a time.</para>
/// </summary>
internal sealed class RabbitQueueLoad : IAsyncDisposable
{
    private const string Queue = "bench";
    private const int PayloadBytes = 16;
    /// <summary>Unacked deliveries per consumer: DistSync's consume returns at most 32 at once (ConsumeMax).</summary>
    private const ushort Prefetch = 32;
    /// <summary>A run's operations give up this long after its window (a blocked connection must not hang the bench).</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);
    private static readonly BasicProperties Persistent = new() { DeliveryMode = DeliveryModes.Persistent };
    private static readonly CreateChannelOptions Confirmed = new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);

    private readonly IConnection[] _producers;
    private readonly IConnection[] _consumers;
    private string? _firstError;

    private RabbitQueueLoad(IConnection[] producers, IConnection[] consumers)
    {
        _producers = producers;
        _consumers = consumers;
    }

    /// <summary>The broker's version as node 1 announces it (the <c>version</c> server property).</summary>
    public string ServerVersion =>
        _producers[0].ServerProperties?.TryGetValue("version", out var v) == true && v is byte[] bytes ? Encoding.UTF8.GetString(bytes) : "unknown";

    /// <summary>Opens a producer and a consumer connection to each of <paramref name="amqpPorts"/> (guest over loopback).</summary>
    public static async Task<RabbitQueueLoad> ConnectAsync(IReadOnlyList<int> amqpPorts)
    {
        var producers = new IConnection[amqpPorts.Count];
        var consumers = new IConnection[amqpPorts.Count];
        for (var i = 0; i < amqpPorts.Count; i++)
        {
            var factory = new ConnectionFactory { HostName = "127.0.0.1", Port = amqpPorts[i], UserName = "guest", Password = "guest" };
            producers[i] = await factory.CreateConnectionAsync($"dsync-bench-producers-{i + 1}");
            consumers[i] = await factory.CreateConnectionAsync($"dsync-bench-consumers-{i + 1}");
        }
        return new RabbitQueueLoad(producers, consumers);
    }

    /// <summary>
    /// Declares the durable quorum queue with <paramref name="replicas"/> members, from node 1 (so its first leader
    /// is there, the default <c>client-local</c> locator). Quorum queues fsync their Raft log (the Ra WAL) before
    /// confirming, as DistSync's SQLite journal does before its 201.
    /// </summary>
    public async Task DeclareQueueAsync(int replicas)
    {
        await using var channel = await _producers[0].CreateChannelAsync();
        var arguments = new Dictionary<string, object?> { ["x-queue-type"] = "quorum", ["x-quorum-initial-group-size"] = replicas };
        await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false, arguments: arguments);
    }

    /// <summary>(a): <paramref name="clients"/> closed-loop producers, each awaiting its publisher confirm before the next publish.</summary>
    public async Task<ClosedLoopResult> ProduceRunAsync(int clients, TimeSpan duration)
    {
        var channels = await OpenChannelsAsync(_producers, clients, 0, Confirmed);
        using var giveUp = new CancellationTokenSource(duration + Grace);
        try
        {
            return await BenchSupport.DriveClosedLoopAsync(clients, duration, async w =>
            {
                await PublishAsync(channels[w], giveUp.Token).ConfigureAwait(false);
                return null;
            }, Noted);
        }
        finally
        {
            await CloseAsync(channels);
        }
    }

    /// <summary>
    /// (b): N confirmed producers and N consumers for <paramref name="duration"/>. A consumer's deliveries are acked in
    /// batches as DistSync's consumers ack each consume's batch: whatever has arrived since the last ack, acked with
    /// <c>multiple: true</c> (at most <see cref="Prefetch"/>, one at a time when the queue is slow). A message counts
    /// once its ack was written within the window and it was sent after the window began. AMQP acks have no reply, so
    /// the latency ends when the ack left the client, not at a broker's answer as DistSync's ack 200 does.
    /// </summary>
    public async Task<EndToEndResult> EndToEndRunAsync(int clients, TimeSpan duration)
    {
        var producerChannels = await OpenChannelsAsync(_producers, clients, 0, Confirmed);
        // with one client the producer and its consumer are on different nodes, as in DistSync's run
        var consumerChannels = await OpenChannelsAsync(_consumers, clients, 1, null);
        var consumers = new ConsumerLoop[clients];
        for (var w = 0; w < clients; w++) consumers[w] = await ConsumerLoop.StartAsync(consumerChannels[w]);

        var started = Stopwatch.GetTimestamp();
        var end = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        using var stop = new CancellationTokenSource(duration);
        using var giveUp = new CancellationTokenSource(duration + Grace);
        long produced = 0, errors = 0;
        var workers = new List<Task>(2 * clients);
        for (var w = 0; w < clients; w++)
        {
            var channel = producerChannels[w];
            workers.Add(Task.Run(async () =>
            {
                while (Stopwatch.GetTimestamp() < end)
                {
                    try
                    {
                        await PublishAsync(channel, giveUp.Token).ConfigureAwait(false);
                        if (Stopwatch.GetTimestamp() < end) Interlocked.Increment(ref produced);
                    }
                    catch (Exception e) when (Noted(e))
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
            }));
            var consumer = consumers[w];
            workers.Add(Task.Run(() => consumer.AckUntilAsync(started, end, stop.Token, Noted)));
        }
        await Task.WhenAll(workers);
        await CloseAsync(consumerChannels); // unacked deliveries go back to the queue, for DrainAsync
        await CloseAsync(producerChannels);
        var all = consumers.SelectMany(c => c.Latencies).ToArray();
        Array.Sort(all);
        return new EndToEndResult(clients, all.Length, produced, errors + consumers.Sum(c => c.Errors), consumers.Sum(c => c.Redelivered), duration.TotalSeconds,
            BenchSupport.Percentile(all, 0.50), BenchSupport.Percentile(all, 0.95), BenchSupport.Percentile(all, 0.99));
    }

    /// <summary>
    /// Purges until two purges in a row find nothing (deliveries a closed consumer channel held come back to the queue
    /// a moment after the close); how many messages were removed.
    /// </summary>
    public async Task<long> DrainAsync()
    {
        await using var channel = await _producers[0].CreateChannelAsync();
        long drained = 0;
        for (var empty = 0; empty < 2;)
        {
            var purged = await channel.QueuePurgeAsync(Queue);
            drained += purged;
            empty = purged == 0 ? empty + 1 : 0;
            await Task.Delay(200);
        }
        return drained;
    }

    /// <summary>The first error of the run since the last call, or null.</summary>
    public string? TakeFirstError() => Interlocked.Exchange(ref _firstError, null);

    public async ValueTask DisposeAsync()
    {
        foreach (var c in _producers.Concat(_consumers))
        {
            try
            {
                await c.CloseAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (IsError(e))
            {
                // the broker may already be going away
            }
            c.Dispose();
        }
    }

    private static async Task PublishAsync(IChannel channel, CancellationToken ct)
    {
        var payload = new byte[PayloadBytes];
        Utf8Formatter.TryFormat(Stopwatch.GetTimestamp(), payload, out _, new StandardFormat('x', PayloadBytes));
        // with confirm tracking on, this completes when the broker confirms (for a quorum queue: committed by its
        // Raft group, i.e. on a majority's disk) and throws PublishException on a nack
        await channel.BasicPublishAsync(exchange: "", routingKey: Queue, mandatory: false, basicProperties: Persistent, body: payload, cancellationToken: ct).ConfigureAwait(false);
    }

    /// <summary><paramref name="count"/> channels, channel w on connection (w + <paramref name="offset"/>) mod nodes.</summary>
    private static async Task<IChannel[]> OpenChannelsAsync(IConnection[] connections, int count, int offset, CreateChannelOptions? options)
    {
        var channels = new IChannel[count];
        for (var w = 0; w < count; w++) channels[w] = await connections[(w + offset) % connections.Length].CreateChannelAsync(options);
        return channels;
    }

    private static async Task CloseAsync(IEnumerable<IChannel> channels)
    {
        foreach (var channel in channels)
        {
            try
            {
                await channel.CloseAsync();
            }
            catch (Exception e) when (IsError(e))
            {
                // already closed by a broker-side error, which the run counted
            }
            channel.Dispose();
        }
    }

    private static bool IsError(Exception e) =>
        e is RabbitMQClientException or OperationInterruptedException or PublishException or OperationCanceledException or IOException or TimeoutException;

    /// <summary>Whether <paramref name="e"/> counts as a failed operation; the first such of a run is kept to print.</summary>
    private bool Noted(Exception e)
    {
        if (!IsError(e)) return false;
        Interlocked.CompareExchange(ref _firstError, $"{e.GetType().Name}: {e.Message}", null);
        return true;
    }

    /// <summary>
    /// One consumer: the client's dispatcher hands deliveries to <see cref="ReceivedAsync"/>, which only parses the
    /// send time (the body is only valid during the callback) and queues it; <see cref="AckUntilAsync"/> acks what has
    /// queued up. The dispatcher never waits on an ack, so deliveries keep flowing while one is written.
    /// </summary>
    private sealed class ConsumerLoop
    {
        private readonly IChannel _channel;
        private readonly Channel<Delivery> _deliveries = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

        private ConsumerLoop(IChannel channel) => _channel = channel;

        public List<double> Latencies { get; } = new(16 * 1024);

        public long Redelivered { get; private set; }

        public long Errors { get; private set; }

        public static async Task<ConsumerLoop> StartAsync(IChannel channel)
        {
            var loop = new ConsumerLoop(channel);
            await channel.BasicQosAsync(prefetchSize: 0, prefetchCount: Prefetch, global: false);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += loop.ReceivedAsync;
            await channel.BasicConsumeAsync(Queue, autoAck: false, consumer);
            return loop;
        }

        /// <summary>
        /// Until <paramref name="end"/> (or <paramref name="stop"/>): waits for deliveries, acks all that have arrived
        /// with one <c>multiple: true</c> ack of the newest tag (tags grow by one per delivery on a channel), and
        /// records send-to-ack latency of those sent at or after <paramref name="started"/>.
        /// </summary>
        public async Task AckUntilAsync(long started, long end, CancellationToken stop, Func<Exception, bool> noted)
        {
            var batch = new List<Delivery>((int)Prefetch);
            while (Stopwatch.GetTimestamp() < end)
            {
                try
                {
                    if (!await _deliveries.Reader.WaitToReadAsync(stop).ConfigureAwait(false)) return;
                    batch.Clear();
                    while (_deliveries.Reader.TryRead(out var d)) batch.Add(d);
                    await _channel.BasicAckAsync(batch[^1].Tag, multiple: true, stop).ConfigureAwait(false);
                    var now = Stopwatch.GetTimestamp();
                    if (now >= end) return;
                    foreach (var d in batch)
                    {
                        if (d.Sent < started) continue;
                        if (d.Redelivered) Redelivered++;
                        Latencies.Add((now - d.Sent) * 1000.0 / Stopwatch.Frequency);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return; // the window closed while waiting
                }
                catch (Exception e) when (noted(e))
                {
                    Errors++;
                }
            }
        }

        private Task ReceivedAsync(object sender, BasicDeliverEventArgs ea)
        {
            // a body that is not our timestamp (none is expected) is acked but not counted
            var sent = Utf8Parser.TryParse(ea.Body.Span, out long value, out _, 'x') ? value : long.MinValue;
            _deliveries.Writer.TryWrite(new Delivery(ea.DeliveryTag, sent, ea.Redelivered));
            return Task.CompletedTask;
        }

        private readonly record struct Delivery(ulong Tag, long Sent, bool Redelivered);
    }
}
