using Google.Protobuf;

namespace DistSync.Raft;

/// <summary>
/// One Raft peer as a pure, deterministic state machine (in the style of etcd's raft library): no IO, no
/// clock, no threads. Time advances only through <see cref="Tick"/>; the only randomness is the injected
/// <see cref="Random"/> that draws election timeouts. Inputs: <see cref="Step"/>, <see cref="Tick"/>,
/// <see cref="Propose(ByteString, ulong, ulong, long)"/>, <see cref="ReadIndex"/>,
/// <see cref="ProposeConfChange"/>, <see cref="TransferLeader"/>. Output: <see cref="GetReady"/> then
/// <see cref="Advance"/> (read the ordering rule on <see cref="Ready"/>).
/// <para>
/// Persisted state lives in <see cref="IRaftStorage"/> (log, term, vote, commit, snapshot with its
/// configuration); everything held here is volatile and rebuilt by constructing a new node over the same
/// storage after a crash. Membership changes take effect when their entry is committed and handed out in
/// <see cref="Ready.CommittedEntries"/> (as in etcd); the leader allows one pending change at a time.
/// </para>
/// Not thread-safe: one owner drives it.
/// </summary>
public sealed partial class RaftNode
{
    /// <summary>Vote context marking a campaign started by leader transfer: voters bypass their leader lease.</summary>
    public static readonly ByteString TransferContext = ByteString.CopyFromUtf8("transfer");

    private readonly RaftConfig config;
    private readonly IRaftStorage storage;
    private readonly Random random;
    internal readonly RaftLog Log;

    private Action<Message> step;
    private Action tick;
    private int electionElapsed;
    private int heartbeatElapsed;
    private int randomizedElectionTimeout;

    private List<Message> messages = new();
    private List<Message> messagesAfterPersist = new();
    private List<ReadState> readStates = new();
    private HardState previousHardState;
    private bool readyOutstanding;
    private Ready? outstanding;

    public RaftNode(RaftConfig config, IRaftStorage storage, Random random)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(random);
        config.Validate();
        this.config = config;
        this.storage = storage;
        this.random = random;
        Id = config.Id;
        Log = new RaftLog(storage);

        var hs = storage.HardState;
        if (hs.Commit > Log.LastIndex)
            throw new InvalidOperationException($"raft storage is inconsistent: commit {hs.Commit} is beyond last index {Log.LastIndex}");
        Log.CommitTo(hs.Commit);
        Term = hs.Term;
        Vote = hs.Vote;
        previousHardState = new HardState { Term = hs.Term, Vote = hs.Vote, Commit = Log.Committed };
        if (config.Applied > Log.Applied) Log.AppliedTo(Math.Min(config.Applied, Log.Committed));

        // Configuration = the snapshot's, plus every committed conf change after it.
        var snapshotMeta = storage.Snapshot.Metadata;
        ApplyConfState(snapshotMeta.ConfState);
        confAppliedIndex = snapshotMeta.Index;
        ReplayCommittedConfChanges();
        receivingSnapshot = storage.IncomingSnapshot; // a transfer interrupted by a restart resumes where it stopped

        step = StepFollower;
        tick = TickElection;
        BecomeFollower(Term, 0);
    }

    public ulong Id { get; }
    public long Term { get; private set; }
    public ulong Vote { get; private set; }
    /// <summary>The leader this node currently follows (itself when leader), 0 when unknown.</summary>
    public ulong Lead { get; private set; }
    public RaftRole Role { get; private set; }
    public long CommitIndex => Log.Committed;
    public long AppliedIndex => Log.Applied;
    public long FirstIndex => Log.FirstIndex;
    public long LastIndex => Log.LastIndex;
    public long LastTerm => Log.LastTerm;
    /// <summary>Election timeout in ticks drawn for the current term (see <see cref="SetRandomizedElectionTimeout"/>).</summary>
    public int RandomizedElectionTimeout => randomizedElectionTimeout;
    public RaftConfig Config => config;

    /// <summary>Overrides the drawn election timeout (tests and simulators pin elections this way).</summary>
    public void SetRandomizedElectionTimeout(int ticks)
    {
        if (ticks <= 0) throw new ArgumentOutOfRangeException(nameof(ticks), "election timeout must be positive");
        randomizedElectionTimeout = ticks;
    }

    /// <summary>Term of the entry at <paramref name="index"/>, 0 when compacted or absent.</summary>
    public long TermAt(long index) => Log.TermOrZero(index);

    // ---------------------------------------------------------------- inputs

    /// <summary>Advances logical time by one tick (election and heartbeat timeouts are counted in ticks).</summary>
    public void Tick()
    {
        tick();
    }

    /// <summary>Starts an election now (as if the election timeout had fired), if this node may become leader.</summary>
    public void Campaign()
    {
        if (Role != RaftRole.Leader) StartCampaign(config.PreVote ? CampaignKind.PreElection : CampaignKind.Election);
    }

    /// <summary>Feeds a message received from a peer. Malformed or misaddressed messages are ignored.</summary>
    public void Step(Message m)
    {
        if (m is null || m.From == 0 || m.To != Id || m.Term <= 0) return;

        if (m.Term > Term)
        {
            if (m.Type is MessageType.Vote or MessageType.PreVote)
            {
                bool force = m.Context.Equals(TransferContext);
                bool inLease = (config.CheckQuorum || config.PreVote) && Lead != 0 && electionElapsed < config.ElectionTick;
                if (!force && inLease) return; // we heard from a live leader recently: ignore the disruption
            }
            if (m.Type == MessageType.PreVote)
            {
                // a pre-vote never changes our term
            }
            else if (m.Type == MessageType.PreVoteResponse && !m.Reject)
            {
                // granted pre-votes carry the future term; the term moves when the pre-election is won
            }
            else if (m.Type is MessageType.Append or MessageType.Heartbeat or MessageType.Snapshot)
            {
                BecomeFollower(m.Term, m.From);
            }
            else
            {
                BecomeFollower(m.Term, 0);
            }
        }
        else if (m.Term < Term)
        {
            if ((config.CheckQuorum || config.PreVote) && m.Type is MessageType.Append or MessageType.Heartbeat)
            {
                // tell a deposed leader about the newer term (it may be cut off from everyone else's votes)
                Send(new Message { Type = MessageType.AppendResponse, To = m.From });
            }
            else if (m.Type == MessageType.PreVote)
            {
                Send(new Message { Type = MessageType.PreVoteResponse, To = m.From, Reject = true });
            }
            return;
        }

        if (m.Type is MessageType.Vote or MessageType.PreVote) HandleVoteRequest(m);
        else step(m);
    }

    /// <summary>
    /// Proposes a command. Only the leader accepts; followers answer <see cref="ProposeResult.NotLeader"/>
    /// (the host redirects to <see cref="Lead"/>). <paramref name="clientId"/>/<paramref name="sequence"/>
    /// identify the command for exactly-once application; <paramref name="timestampMs"/> is the leader's clock,
    /// supplied by the host, the only time state machines ever see.
    /// </summary>
    public ProposeResult Propose(ByteString data, ulong clientId = 0, ulong sequence = 0, long timestampMs = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (Role != RaftRole.Leader) return ProposeResult.NotLeader;
        if (leadTransferee != 0) return ProposeResult.TransferInProgress;
        AppendEntry(new Entry
        {
            Term = Term,
            Index = Log.LastIndex + 1,
            Type = EntryType.Normal,
            Data = data,
            ClientId = clientId,
            Sequence = sequence,
            TimestampMs = timestampMs,
        });
        return ProposeResult.Accepted;
    }

    /// <summary>Proposes a command given as raw bytes (copied).</summary>
    public ProposeResult Propose(ReadOnlyMemory<byte> data) => Propose(ByteString.CopyFrom(data.Span));

    /// <summary>
    /// Requests a linearizable read. On success a <see cref="ReadState"/> with the same context appears in a later
    /// <see cref="Ready"/> (on the leader after a heartbeat round confirms leadership; followers forward to it).
    /// </summary>
    public ProposeResult ReadIndex(ByteString context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Role == RaftRole.Leader)
        {
            HandleReadIndexRequest(Id, context);
            return ProposeResult.Accepted;
        }
        if (Lead == 0) return ProposeResult.NotLeader;
        Send(new Message { Type = MessageType.ReadIndex, To = Lead, Context = context });
        return ProposeResult.Accepted;
    }

    // ---------------------------------------------------------------- output

    /// <summary>Whether <see cref="GetReady"/> has anything to hand out. May prepare pending appends.</summary>
    public bool HasReady()
    {
        if (readyOutstanding) return false;
        FlushPendingAppends();
        return messages.Count > 0 || messagesAfterPersist.Count > 0 || readStates.Count > 0 || snapshotChunks.Count > 0
            || Log.HasUnstableEntries || Log.UnstableSnapshot is not null || Log.HasNextCommittedEntries
            || HardStateChanged();
    }

    /// <summary>Returns the next batch of work; the host must follow <see cref="Ready"/>'s ordering rule and then call <see cref="Advance"/>.</summary>
    public Ready GetReady()
    {
        EnsureNoOutstandingReady();
        IReadOnlyList<Entry> committed = Ready.NoEntries;
        if (Log.HasNextCommittedEntries)
        {
            var list = new List<Entry>((int)Math.Min(Log.Committed - Log.Applied, 4096));
            Log.TryGetEntries(Log.Applied + 1, Log.Committed + 1, long.MaxValue, int.MaxValue, list);
            committed = list;
            ApplyCommittedConfChanges(list);
        }
        FlushPendingAppends();

        HardState? hs = null;
        bool termOrVoteChanged = false;
        if (HardStateChanged())
        {
            hs = new HardState { Term = Term, Vote = Vote, Commit = Log.Committed };
            termOrVoteChanged = hs.Term != previousHardState.Term || hs.Vote != previousHardState.Vote;
            previousHardState = hs;
        }

        IReadOnlyList<Message> now = Ready.NoMessages, later = Ready.NoMessages;
        if (termOrVoteChanged)
        {
            // Nothing may leave before a new term or vote is durable: a restart must not reuse the term.
            if (messages.Count > 0)
            {
                messages.AddRange(messagesAfterPersist);
                later = messages;
                messages = new List<Message>();
                messagesAfterPersist = new List<Message>();
            }
            else if (messagesAfterPersist.Count > 0)
            {
                later = messagesAfterPersist;
                messagesAfterPersist = new List<Message>();
            }
        }
        else
        {
            if (messages.Count > 0) { now = messages; messages = new List<Message>(); }
            if (messagesAfterPersist.Count > 0) { later = messagesAfterPersist; messagesAfterPersist = new List<Message>(); }
        }

        IReadOnlyList<ReadState> reads = Ready.NoReadStates;
        if (readStates.Count > 0) { reads = readStates; readStates = new List<ReadState>(); }
        IReadOnlyList<SnapshotChunk> chunks = Ready.NoChunks;
        if (snapshotChunks.Count > 0) { chunks = snapshotChunks; snapshotChunks = new List<SnapshotChunk>(); }

        var ready = new Ready
        {
            Role = Role,
            Lead = Lead,
            HardState = hs,
            SnapshotChunks = chunks,
            Snapshot = Log.UnstableSnapshot,
            Entries = Log.HasUnstableEntries ? Log.UnstableEntries() : Ready.NoEntries,
            Messages = now,
            MessagesAfterPersist = later,
            CommittedEntries = committed,
            ReadStates = reads,
        };
        readyOutstanding = true;
        outstanding = ready;
        return ready;
    }

    /// <summary>
    /// While a <see cref="Ready"/> is outstanding (being written), the messages that may leave at once: the leader's
    /// appends and heartbeats for input stepped meanwhile (new proposals are replicated during the leader's own fsync),
    /// and heartbeat answers. Empty when the term or vote changed since the last Ready: then everything waits for the
    /// next one to be durable. Messages that need persistence stay for the next Ready's MessagesAfterPersist.
    /// </summary>
    public IReadOnlyList<Message> TakeMessages()
    {
        if (Term != previousHardState.Term || Vote != previousHardState.Vote) return Ready.NoMessages;
        FlushPendingAppends();
        if (messages.Count == 0) return Ready.NoMessages;
        var now = messages;
        messages = new List<Message>();
        return now;
    }

    /// <summary>Acknowledges that the last <see cref="Ready"/> was handled: persisted, sent and applied.</summary>
    public void Advance()
    {
        if (!readyOutstanding || outstanding is null) throw new InvalidOperationException("Advance called without an outstanding Ready");
        var rd = outstanding;
        readyOutstanding = false;
        outstanding = null;
        if (rd.Snapshot is { } snap)
        {
            Log.StableSnapshotTo(snap.Metadata.Index);
            Log.AppliedTo(snap.Metadata.Index);
        }
        if (rd.Entries.Count > 0)
        {
            var last = rd.Entries[^1];
            Log.StableTo(last.Index, last.Term);
        }
        if (rd.CommittedEntries.Count > 0) Log.AppliedTo(rd.CommittedEntries[^1].Index);
        if (rd.SnapshotChunks.Count > 0) OnSnapshotChunksStored();

        if (Role == RaftRole.Leader && selfProgress is { } self && self.MaybeUpdate(Log.StableLastIndex))
        {
            // the leader's own durable write counts towards the commit only now
            if (MaybeCommit()) OnCommitAdvanced();
        }
    }

    // ---------------------------------------------------------------- role changes

    private void Reset(long term)
    {
        if (term != Term)
        {
            Term = term;
            Vote = 0;
        }
        Lead = 0;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        randomizedElectionTimeout = config.ElectionTick + random.Next(config.ElectionTick);
        leadTransferee = 0;
        votes.Clear();
        pendingReadRequests.Clear();
        pendingReads.Clear();
        readRound = 0;
        pendingReadRound = false;
        pendingBroadcast = false;
        pendingCommitBroadcast = false;
        long last = Log.LastIndex;
        foreach (var pr in peers)
        {
            pr.ResetState(ProgressState.Probe);
            pr.Match = 0;
            pr.Next = last + 1;
            pr.RecentActive = false;
            pr.AckedReadRound = 0;
            if (pr.Id == Id) pr.Match = Log.StableLastIndex;
        }
    }

    private void BecomeFollower(long term, ulong lead)
    {
        step = StepFollower;
        tick = TickElection;
        Reset(term);
        Lead = lead;
        Role = RaftRole.Follower;
    }

    private void BecomePreCandidate()
    {
        if (Role == RaftRole.Leader) throw new InvalidOperationException("raft: leader cannot become pre-candidate");
        // Term and vote stay: a pre-election changes nothing persistent.
        step = StepCandidate;
        tick = TickElection;
        votes.Clear();
        Lead = 0;
        Role = RaftRole.PreCandidate;
    }

    private void BecomeCandidate()
    {
        if (Role == RaftRole.Leader) throw new InvalidOperationException("raft: leader cannot become candidate");
        step = StepCandidate;
        tick = TickElection;
        Reset(Term + 1);
        Vote = Id;
        Role = RaftRole.Candidate;
    }

    private void BecomeLeader()
    {
        if (Role == RaftRole.Follower) throw new InvalidOperationException("raft: follower cannot become leader directly");
        step = StepLeader;
        tick = TickHeartbeat;
        Reset(Term);
        Lead = Id;
        Role = RaftRole.Leader;
        if (selfProgress is { } self) self.BecomeReplicate();
        foreach (var pr in peers) pr.RecentActive = pr.Id == Id;
        // Conf changes in the uncommitted tail may exist: wait until everything up to here is applied.
        pendingConfIndex = Log.LastIndex;
        AppendEntry(new Entry { Term = Term, Index = Log.LastIndex + 1, Type = EntryType.Normal });
    }

    /// <summary>
    /// The host learned that the leader is gone (its transport connection dropped, as when its process is killed), ahead
    /// of the election timeout. A follower of that leader forgets it, so it grants the pre-votes and votes of the others
    /// at once instead of rejecting them as disruptions (etcd's ForgetLeader), and campaigns within
    /// <paramref name="ticksToCampaign"/> ticks instead of a whole timeout. Safety does not depend on it: a wrong hint costs
    /// at most a pre-vote that the others, still hearing the leader, refuse. Returns whether anything changed.
    /// </summary>
    public bool ForgetLeader(ulong leader, int ticksToCampaign)
    {
        if (Role != RaftRole.Follower || Lead == 0 || Lead != leader || !Promotable) return false;
        Lead = 0;
        int ticks = Math.Max(1, ticksToCampaign);
        if (electionElapsed < randomizedElectionTimeout - ticks) electionElapsed = randomizedElectionTimeout - ticks;
        return true;
    }

    // ---------------------------------------------------------------- ticks

    private void TickElection()
    {
        electionElapsed++;
        if (Promotable && electionElapsed >= randomizedElectionTimeout)
        {
            electionElapsed = 0;
            StartCampaign(config.PreVote ? CampaignKind.PreElection : CampaignKind.Election);
        }
    }

    private void TickHeartbeat()
    {
        heartbeatElapsed++;
        electionElapsed++;
        if (electionElapsed >= config.ElectionTick)
        {
            electionElapsed = 0;
            if (config.CheckQuorum)
            {
                if (!QuorumActive())
                {
                    BecomeFollower(Term, 0);
                    return;
                }
                foreach (var pr in peers) pr.RecentActive = pr.Id == Id;
            }
            if (leadTransferee != 0) leadTransferee = 0; // transfer did not finish within an election timeout
        }
        if (Role != RaftRole.Leader) return;
        TickSnapshotTransfers();
        if (heartbeatElapsed >= config.HeartbeatTick)
        {
            heartbeatElapsed = 0;
            BroadcastHeartbeat();
        }
    }

    // ---------------------------------------------------------------- plumbing

    private void Send(Message m)
    {
        m.From = Id;
        if (m.Term == 0) m.Term = Term;
        // Only the leader's replication traffic may overtake its own persistence; every other message
        // (votes, acknowledgements, forwarded requests) vouches for durable state, except a heartbeat's answer: it
        // claims no log position, only "I heard you in this term", so a follower in a long fsync still counts
        // towards the leader's CheckQuorum and read rounds. (A new term or vote still holds everything back.)
        bool now = m.Type == MessageType.HeartbeatResponse || (Role == RaftRole.Leader && m.Type is MessageType.Append
            or MessageType.Heartbeat or MessageType.Snapshot or MessageType.TimeoutNow or MessageType.ReadIndexResponse);
        (now ? messages : messagesAfterPersist).Add(m);
    }

    private bool HardStateChanged() =>
        Term != previousHardState.Term || Vote != previousHardState.Vote || Log.Committed != previousHardState.Commit;

    private void EnsureNoOutstandingReady()
    {
        if (readyOutstanding) throw new InvalidOperationException("RaftNode: call Advance() for the outstanding Ready before asking for the next one");
    }

    public override string ToString() =>
        $"node {Id} {Role} term={Term} vote={Vote} lead={Lead} commit={Log.Committed} applied={Log.Applied} last={Log.LastIndex}";
}
