namespace DistSync.Locks;

public enum SessionEndReason
{
    /// <summary>Its TTL passed without a keepalive.</summary>
    Expired,

    /// <summary>DELETE /session/{id}.</summary>
    Deleted,
}
