using System.Security.Authentication;

namespace DistSync.Client;

/// <summary>No answer from <see cref="Node"/>: refused, timed out, or a TLS handshake that failed (the message then
/// says so, with the platform's reason, since "could not be established" alone does not tell a user what to fix).</summary>
public sealed class NodeUnreachableException(string node, Exception inner)
    : Exception($"cannot reach DistSync node at {node}: {Describe(inner)}", inner)
{
    public string Node { get; } = node;

    private static string Describe(Exception inner)
    {
        for (var e = inner; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationException tls)
                return $"the TLS handshake failed ({tls.Message}); is the node's certificate signed by the CA the client trusts (--ca)?";
        }
        return inner.Message;
    }
}
