namespace DistSync.Actors;

/// <summary>Keeps messages aside to process them later, in their original order.</summary>
public interface IStash
{
    /// <summary>Sets the current message (with its sender) aside.</summary>
    void Stash();

    /// <summary>Puts the oldest stashed message in front of the mailbox.</summary>
    void Unstash();

    /// <summary>Puts all stashed messages in front of the mailbox, oldest first.</summary>
    void UnstashAll();

    int Count { get; }
}
