namespace DistSync.Linearizability;

/// <summary>A call recorded by a <see cref="HistoryRecorder{TInput,TOutput}"/>, waiting for its return or time-out.</summary>
public readonly record struct PendingCall
{
    internal PendingCall(int recorderId, int index)
    {
        RecorderId = recorderId;
        Index = index;
    }

    internal int RecorderId { get; }

    /// <summary>The operation's position in the recorder's history.</summary>
    public int Index { get; }
}
