using System.Diagnostics;
using System.Text;
using DistSync.Actors.Remote.Faults;
using DistSync.Actors.Remote.Serialization;
using DistSync.Actors.Remote.Transport;
using DistSync.Actors.Remote.Wire;
using Google.Protobuf.WellKnownTypes;

namespace DistSync.Actors.Tests.Remote;

/// <summary>Two transports over loopback: lazy association, ordering, batching, queue bounds, reconnect, faults.</summary>
public sealed class RemoteTransportSpec
{
    private static OutboundEnvelope Message(Address to, long value) =>
        new(Encoding.UTF8.GetBytes($"{to}/user/sink"), Encoding.UTF8.GetBytes("dsync://a@127.0.0.1:1/user/src"), TransportFixture.Int64ValueTypeId, new Int64Value { Value = value });

    [Fact]
    public async Task Messages_arrive_in_order_with_paths_and_many_per_socket_write()
    {
        var (a, _) = await TransportFixture.StartAsync("a");
        var (b, inbox) = await TransportFixture.StartAsync("b");
        await using var _a = a;
        await using var _b = b;

        for (var i = 0; i < 20_000; i++)
        {
            Assert.True(a.Send(b.LocalAddress, Message(b.LocalAddress, i)));
        }

        await AwaitCondition.UntilAsync(() => inbox.Messages.Count == 20_000, "all 20000 delivered");
        var expected = 0L;
        foreach (var (recipient, sender, message, from) in inbox.Messages)
        {
            Assert.Equal(expected++, ((Int64Value)message).Value);
            Assert.Equal($"{b.LocalAddress}/user/sink", recipient);
            Assert.Equal("dsync://a@127.0.0.1:1/user/src", sender);
            Assert.Equal(a.LocalAddress, from);
        }

        Assert.Equal(20_000, a.Metrics.MessagesSent);
        Assert.True(a.Metrics.SocketWrites < 20_000 / 4, $"{a.Metrics.SocketWrites} socket writes for 20000 messages: no batching");
        Assert.Equal(20_000, b.Metrics.MessagesReceived);
    }

    [Fact]
    public async Task The_association_is_created_lazily_on_first_send()
    {
        var (a, aInbox) = await TransportFixture.StartAsync("a");
        var (b, _) = await TransportFixture.StartAsync("b");
        await using var _a = a;
        await using var _b = b;

        Assert.Empty(a.Associations);
        Assert.Equal(0, b.Metrics.InboundConnectionsAccepted);

        a.Send(b.LocalAddress, Message(b.LocalAddress, 1));

        await AwaitCondition.UntilAsync(() => aInbox.Associated.Contains(b.LocalAddress), "a associated with b");
        Assert.Single(a.Associations);
        Assert.True(a.GetAssociation(b.LocalAddress).IsConnected);
        Assert.Equal(b.Uid, a.GetAssociation(b.LocalAddress).PeerUid);
    }

    [Fact]
    public async Task A_heartbeat_is_answered_by_the_peer_transport()
    {
        var (a, aInbox) = await TransportFixture.StartAsync("a");
        var (b, _) = await TransportFixture.StartAsync("b");
        await using var _a = a;
        await using var _b = b;

        a.SendControl(b.LocalAddress, RemoteControlTypeIds.Heartbeat, new Heartbeat { From = new AddressData { System = "a" }, Sequence = 17 });

        await AwaitCondition.UntilAsync(() => aInbox.Controls.Any(c => c.Message is HeartbeatRsp { Sequence: 17 }), "heartbeat answered");
        var (from, typeId, message) = aInbox.Controls.First(c => c.Message is HeartbeatRsp);
        Assert.Equal(b.LocalAddress, from);
        Assert.Equal(RemoteControlTypeIds.HeartbeatRsp, typeId);
        Assert.Equal(b.Uid, ((HeartbeatRsp)message).Uid);
    }

    [Fact]
    public async Task A_full_outbound_queue_drops_and_counts_the_overflow()
    {
        var settings = TransportFixture.FastSettings with { OutboundQueueSize = 10 };
        var (a, _) = await TransportFixture.StartAsync("a", settings: settings);
        await using var _a = a;
        var nobody = new Address(Address.DefaultProtocol, "ghost", "127.0.0.1", TransportFixture.UnusedPort());

        var accepted = 0;
        for (var i = 0; i < 100; i++)
        {
            if (a.Send(nobody, Message(nobody, i)))
            {
                accepted++;
            }
        }

        Assert.Equal(10, accepted);
        Assert.Equal(90, a.Metrics.OutboundQueueDrops);
    }

    [Fact]
    public async Task After_the_peer_restarts_on_the_same_port_the_association_reconnects_and_queued_messages_flow()
    {
        var (a, aInbox) = await TransportFixture.StartAsync("a");
        await using var _a = a;
        var (b1, inbox1) = await TransportFixture.StartAsync("b");
        var bAddress = b1.LocalAddress;
        a.Send(bAddress, Message(bAddress, 1));
        await AwaitCondition.UntilAsync(() => inbox1.Messages.Count == 1, "first incarnation got the message");
        await b1.DisposeAsync();
        await AwaitCondition.UntilAsync(() => aInbox.Disassociated.Contains(bAddress), "a noticed b went away");

        var (b2, inbox2) = await TransportFixture.StartAsync("b", settings: TransportFixture.FastSettings with { Port = bAddress.Port!.Value });
        await using var _b2 = b2;
        a.Send(bAddress, Message(bAddress, 2));

        await AwaitCondition.UntilAsync(() => inbox2.Messages.Any(m => ((Int64Value)m.Message).Value == 2), "second incarnation got the message");
        Assert.Equal(b2.Uid, a.GetAssociation(bAddress).PeerUid);
        Assert.True(a.Metrics.AssociationsEstablished >= 2);
    }

    [Fact]
    public async Task A_connection_to_a_wrong_system_name_is_refused_and_retried()
    {
        var (a, _) = await TransportFixture.StartAsync("a");
        var (b, inbox) = await TransportFixture.StartAsync("b");
        await using var _a = a;
        await using var _b = b;
        var wrong = b.LocalAddress with { System = "not-b" };

        a.Send(wrong, Message(wrong, 1));

        await AwaitCondition.UntilAsync(() => b.Metrics.HandshakeFailures >= 2 && a.Metrics.ConnectFailures >= 2, "refused and retried with backoff");
        Assert.Empty(inbox.Messages);
    }

    [Fact]
    public async Task A_message_larger_than_max_frame_size_is_dropped_and_counted_and_later_ones_flow()
    {
        var (a, _) = await TransportFixture.StartAsync("a");
        var (b, inbox) = await TransportFixture.StartAsync("b");
        await using var _a = a;
        await using var _b = b;
        var recipient = Encoding.UTF8.GetBytes($"{b.LocalAddress}/user/sink");

        a.Send(b.LocalAddress, new OutboundEnvelope(recipient, null, TransportFixture.StringValueTypeId, new StringValue { Value = new string('x', 100_000) }));
        a.Send(b.LocalAddress, new OutboundEnvelope(recipient, null, TransportFixture.StringValueTypeId, new StringValue { Value = "small" }));

        await AwaitCondition.UntilAsync(() => inbox.Messages.Count == 1, "small message delivered");
        Assert.Equal("small", ((StringValue)inbox.Messages.Single().Message).Value);
        Assert.Equal(1, a.Metrics.OversizeDrops);
    }

    [Fact]
    public async Task A_blocked_direction_delivers_nothing_until_healed_while_the_other_direction_works()
    {
        var faults = new FaultInjector(seed: 1);
        var (a, aInbox) = await TransportFixture.StartAsync("a", faults: faults);
        var (b, bInbox) = await TransportFixture.StartAsync("b", faults: faults);
        await using var _a = a;
        await using var _b = b;

        faults.Block(a.LocalAddress, b.LocalAddress);
        for (var i = 0; i < 10; i++)
        {
            a.Send(b.LocalAddress, Message(b.LocalAddress, i));
        }

        b.Send(a.LocalAddress, Message(a.LocalAddress, 100));
        await AwaitCondition.UntilAsync(() => aInbox.Messages.Count == 1, "b -> a still delivered");
        await AwaitCondition.UntilAsync(() => a.Metrics.FaultInjectionDrops == 10, "a -> b dropped by the injector");
        Assert.Empty(bInbox.Messages);

        faults.Heal(a.LocalAddress, b.LocalAddress);
        a.Send(b.LocalAddress, Message(b.LocalAddress, 11));

        await AwaitCondition.UntilAsync(() => bInbox.Messages.Count == 1, "a -> b delivered after heal");
        Assert.Equal(11, ((Int64Value)bInbox.Messages.Single().Message).Value);
    }

    [Fact]
    public async Task A_drop_fraction_loses_about_that_share_of_messages()
    {
        var faults = new FaultInjector(seed: 99);
        var (a, _) = await TransportFixture.StartAsync("a", faults: faults);
        var (b, inbox) = await TransportFixture.StartAsync("b");
        await using var _a = a;
        await using var _b = b;

        faults.Drop(a.LocalAddress, b.LocalAddress, 0.3);
        for (var i = 0; i < 2000; i++)
        {
            a.Send(b.LocalAddress, Message(b.LocalAddress, i));
        }

        await AwaitCondition.UntilAsync(() => a.Metrics.FaultInjectionDrops + a.Metrics.MessagesSent == 2000, "every message sent or dropped");
        await AwaitCondition.UntilAsync(() => inbox.Messages.Count == a.Metrics.MessagesSent, "sent ones delivered");
        Assert.InRange(a.Metrics.FaultInjectionDrops, 450, 750);
        var values = inbox.Messages.Select(m => ((Int64Value)m.Message).Value).ToList();
        Assert.Equal(values.OrderBy(v => v), values); // order kept among survivors
    }

    [Fact]
    public async Task An_injected_delay_holds_messages_back_at_least_that_long()
    {
        var faults = new FaultInjector();
        var (a, _) = await TransportFixture.StartAsync("a", faults: faults);
        var (b, inbox) = await TransportFixture.StartAsync("b");
        await using var _a = a;
        await using var _b = b;
        a.Send(b.LocalAddress, Message(b.LocalAddress, 0));
        await AwaitCondition.UntilAsync(() => inbox.Messages.Count == 1, "warm-up delivered");

        faults.Delay(a.LocalAddress, b.LocalAddress, TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        a.Send(b.LocalAddress, Message(b.LocalAddress, 1));
        await AwaitCondition.UntilAsync(() => inbox.Messages.Count == 2, "delayed message delivered");

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(290), $"arrived after {clock.Elapsed.TotalMilliseconds} ms");
    }
}
