namespace DistSync.KeyValue;

/// <summary>What a change did to its key.</summary>
public enum KvChangeType
{
    Put,
    Delete,
}
