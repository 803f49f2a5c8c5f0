using System.Collections.Concurrent;
using System.Text.Json;
using DistSync.Cli.Commands;
using DistSync.Client;
using DistSync.Client.Contracts;

namespace DistSync.Cli.Tests;

/// <summary>
/// <c>dsync chat</c> against fake nodes (<see cref="FakeBroadcastNode"/>): history, live lines, publishing with
/// dedupe ids, <c>/who</c>, <c>/quit</c>, and moving to the next node when one dies. Input is typed line by line.
/// </summary>
public class DsyncChatCliSpec
{
    private static readonly ChatCommand.ChatSettings Ada = new("room", "ada", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));

    private static string Line(string nick, string text) => JsonSerializer.Serialize(new ChatCommand.ChatLine(nick, text), DistSyncJson.Options);

    /// <summary>The chat lines (<c>[seq] …</c>) of a screen, without the command answers and notes.</summary>
    private static string[] ChatLines(string text) => [.. text.Split('\n').Where(l => l.StartsWith('['))];

    private sealed class Chat : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(60));
        private readonly List<DistSyncClient> _clients;

        public Chat(ChatCommand.ChatSettings settings, params FakeBroadcastNode[] nodes)
        {
            _clients = [.. nodes.Select(n => new DistSyncClient(n.Address, TimeSpan.FromSeconds(5)))];
            Run = Task.Run(() => ChatCommand.RunAsync(_clients, settings, Input, Output, Error, TimeProvider.System, _stop.Token));
        }

        public TypedInput Input { get; } = new();
        public LockedWriter Output { get; } = new();
        public LockedWriter Error { get; } = new();
        public Task<int> Run { get; }

        public async Task<int> QuitAsync()
        {
            Input.Type("/quit");
            return await Run.WaitAsync(TimeSpan.FromSeconds(15));
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            Input.End();
            try
            {
                await Run.WaitAsync(TimeSpan.FromSeconds(15));
            }
            catch (Exception) when (Run.IsFaulted)
            {
                // the test already failed on it
            }
            foreach (var c in _clients) c.Dispose();
            _stop.Dispose();
        }
    }

    [Fact]
    public async Task Joining_shows_the_last_20_messages_then_live_ones_and_each_typed_line_is_published_once_with_its_nick()
    {
        var log = new FakeBroadcast();
        for (var i = 1; i <= 25; i++) log.Publish("room", Line("bob", "m" + i));
        await using var node = await FakeBroadcastNode.StartAsync(log);
        await using var chat = new Chat(Ada, node);

        // 1. the history: seqs 6..25
        await chat.Output.WaitForAsync("[25] bob: m25");
        Assert.Equal(Enumerable.Range(6, 20).Select(i => $"[{i}] bob: m{i}"), ChatLines(chat.Output.Text));
        Assert.Equal(["GET /broadcast/topics", "GET /broadcast/read?topic=room&from=6&max=20"], log.Routes().Take(2));

        // 2. typed lines come back through the stream with their seq; another's message shows live
        chat.Input.Type("hello all");
        await chat.Output.WaitForAsync("[26] ada: hello all");
        log.Publish("room", Line("bob", "hi ada"));
        await chat.Output.WaitForAsync("[27] bob: hi ada");
        chat.Input.Type("  second line ");
        await chat.Output.WaitForAsync("[28] ada: second line");

        // 3. /who, then /quit
        chat.Input.Type("/who");
        await chat.Output.WaitForAsync("-- wrote in the last 5 minutes: ada, bob");
        Assert.Equal(0, await chat.QuitAsync());

        var sent = log.Bodies("POST /broadcast/publish").Select(b => JsonSerializer.Deserialize<BroadcastPublishRequest>(b, DistSyncJson.Options)!).ToList();
        Assert.Equal([Line("ada", "hello all"), Line("ada", "second line")], sent.Select(s => s.Payload));
        Assert.Equal([1L, 2L], sent.Select(s => s.ClientSeq));
        Assert.All(sent, s => Assert.Matches("^ada-[0-9a-f]{8}$", s.ClientId!));
        Assert.Single(sent.Select(s => s.ClientId).Distinct());
        Assert.Contains("GET /broadcast/subscribe?topic=room&from=26 last=25", log.Routes());
        Assert.Equal([.. Enumerable.Range(6, 20).Select(i => $"[{i}] bob: m{i}"), "[26] ada: hello all", "[27] bob: hi ada", "[28] ada: second line"],
            ChatLines(chat.Output.Text));
    }

    [Fact]
    public async Task A_new_topic_has_no_history_and_is_followed_from_seq_1()
    {
        var log = new FakeBroadcast();
        await using var node = await FakeBroadcastNode.StartAsync(log);
        await using var chat = new Chat(Ada, node);

        await chat.Output.WaitForAsync($"-- ada on 'room' via {node.Address}; /who lists who is here, /quit leaves");
        chat.Input.Type("first!");
        await chat.Output.WaitForAsync("[1] ada: first!");

        Assert.Equal(0, await chat.QuitAsync());
        Assert.Equal("GET /broadcast/topics", log.Routes()[0]);
        Assert.Contains("GET /broadcast/subscribe?topic=room&from=1", log.Routes());
        Assert.DoesNotContain(log.Routes(), r => r.StartsWith("GET /broadcast/read", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_dead_node_is_left_for_the_next_resuming_after_the_last_seq_shown_and_a_publish_whose_answer_was_lost_is_stored_once()
    {
        var log = new FakeBroadcast();
        await using var a = await FakeBroadcastNode.StartAsync(log);
        await using var b = await FakeBroadcastNode.StartAsync(log);
        await using var chat = new Chat(Ada, a, b);
        await chat.Output.WaitForAsync($"-- ada on 'room' via {a.Address}; /who lists who is here, /quit leaves");

        // 1. on a
        chat.Input.Type("one");
        await chat.Output.WaitForAsync("[1] ada: one");

        // 2. a dies: the stream moves to b from seq 2, the next publish goes to b
        await a.KillAsync();
        await chat.Error.WaitForTextAsync($"; resuming at seq 2 on {b.Address}");
        chat.Input.Type("two");
        await chat.Output.WaitForAsync("[2] ada: two");
        log.Publish("room", Line("bob", "still here"));
        await chat.Output.WaitForAsync("[3] bob: still here");

        // 3. b commits the next line but the answer is lost: the retry (via dead a, then b) carries the same pair
        log.LoseNextPublishAnswer = true;
        chat.Input.Type("three");
        await chat.Output.WaitForAsync("[4] ada: three");
        chat.Input.Type("four");
        await chat.Output.WaitForAsync("[5] ada: four");
        Assert.Equal(0, await chat.QuitAsync());

        Assert.Equal(["[1] ada: one", "[2] ada: two", "[3] bob: still here", "[4] ada: three", "[5] ada: four"], ChatLines(chat.Output.Text));
        Assert.Equal(5, log.Messages("room").Count);
        var threes = log.Bodies("POST /broadcast/publish").Select(x => JsonSerializer.Deserialize<BroadcastPublishRequest>(x, DistSyncJson.Options)!)
            .Where(r => r.Payload == Line("ada", "three")).ToList();
        Assert.True(threes.Count >= 2, "the lost answer was retried");
        Assert.Single(threes.Select(r => (r.ClientId, r.ClientSeq)).Distinct());
        Assert.StartsWith($"-- lost {a.Address} (", chat.Error.Text);
        Assert.Contains("GET /broadcast/subscribe?topic=room&from=2 last=1", log.Routes());
    }

    [Fact]
    public async Task Who_lists_only_nicks_whose_messages_are_from_the_last_5_minutes()
    {
        var log = new FakeBroadcast();
        var tenMinutesAgo = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds();
        log.Publish("room", Line("old", "anyone?"), timestampMs: tenMinutesAgo);
        await using var node = await FakeBroadcastNode.StartAsync(log);
        await using var chat = new Chat(Ada, node);
        await chat.Output.WaitForAsync("[1] old: anyone?");

        chat.Input.Type("/who");
        await chat.Output.WaitForAsync("-- nobody wrote in the last 5 minutes");
        log.Publish("room", Line("zoe", "yes"));
        log.Publish("room", Line("bob", "me too"));
        await chat.Output.WaitForAsync("[3] bob: me too");
        chat.Input.Type("/who");
        await chat.Output.WaitForAsync("-- wrote in the last 5 minutes: bob, zoe");

        Assert.Equal(0, await chat.QuitAsync());
    }

    [Fact]
    public async Task An_unknown_command_is_answered_and_not_sent_and_the_end_of_input_leaves_the_chat()
    {
        var log = new FakeBroadcast();
        await using var node = await FakeBroadcastNode.StartAsync(log);
        await using var chat = new Chat(Ada, node);

        chat.Input.Type("/nick eve");
        await chat.Output.WaitForAsync("-- unknown command /nick eve; /who lists who is here, /quit leaves");
        chat.Input.Type("");
        chat.Input.End();

        Assert.Equal(0, await chat.Run.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Empty(log.Bodies("POST /broadcast/publish"));
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("a:b")]
    [InlineData("")]
    [InlineData("abcdefghijklmnopqrstuvwxyzabcdefg")]
    public async Task A_nick_with_spaces_or_a_colon_or_too_long_is_a_usage_error(string nick)
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var code = await DsyncCli.RunAsync(["chat", "room", "--name", nick, "--node", $"127.0.0.1:{CliHarness.ClosedLoopbackPort()}"], output, error);

        Assert.Equal(2, code);
        Assert.Contains("--name", error.ToString());
    }

    [Fact]
    public async Task The_name_is_required()
    {
        var error = new StringWriter();

        var code = await DsyncCli.RunAsync(["chat", "room", "--node", "127.0.0.1:1"], new StringWriter(), error);

        Assert.NotEqual(0, code);
        Assert.Contains("--name", error.ToString());
    }

    [Fact]
    public async Task With_no_node_answering_within_its_patience_the_chat_ends_with_node_unreachable()
    {
        using var a = new DistSyncClient($"127.0.0.1:{CliHarness.ClosedLoopbackPort()}");
        using var b = new DistSyncClient($"127.0.0.1:{CliHarness.ClosedLoopbackPort()}");
        var output = new LockedWriter();
        var started = DateTime.UtcNow;

        await Assert.ThrowsAsync<NodeUnreachableException>(() =>
            ChatCommand.RunAsync([a, b], Ada with { Patience = TimeSpan.FromSeconds(1) }, new TypedInput(), output, TextWriter.Null, TimeProvider.System, CancellationToken.None));

        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        Assert.Equal("", output.Text);
    }

    [Theory]
    [InlineData("""{"nick":"ada","text":"hi"}""", "[7] ada: hi")]
    [InlineData("""{"nick":"ada","text":"red \u001b[31m alert\u0007"}""", "[7] ada: red ?[31m alert?")]
    [InlineData("""{"nick":"ada","text":""}""", "[7] ada: ")]
    [InlineData("""{"nick":"","text":"who?"}""", """[7] {"nick":"","text":"who?"}""")]
    [InlineData("plain text\nfrom broadcast publish", "[7] plain text\\nfrom broadcast publish")]
    public void A_message_shows_as_seq_nick_text_with_control_characters_defused_and_other_payloads_as_they_are(string payload, string shown) =>
        Assert.Equal(shown, ChatCommand.FormatLine(new BroadcastMessage(7, 1, payload, "c", 0)));

    /// <summary>Tests only: stdin for a chat, typed line by line; <see cref="End"/> is end of input.</summary>
    private sealed class TypedInput : TextReader
    {
        private readonly BlockingCollection<string> _lines = [];

        public void Type(string line) => _lines.Add(line);

        public void End() => _lines.CompleteAdding();

        public override string? ReadLine()
        {
            try
            {
                return _lines.Take();
            }
            catch (InvalidOperationException)
            {
                return null; // completed
            }
        }
    }
}
