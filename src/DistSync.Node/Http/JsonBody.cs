using System.Text.Json;
using DistSync.Client;
using Microsoft.AspNetCore.Http.Features;

namespace DistSync.Node.Http;

/// <summary>
/// Reads a JSON request body with the API's rules: malformed JSON -> 400 naming the position, a body over the
/// configured limit -> 413. Handlers get either the value or the problem to return.
/// </summary>
public static class JsonBody
{
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpContext context, long maxBytes) where T : class
    {
        var length = context.Request.ContentLength;
        if (length > maxBytes) return (null, Problems.TooLarge(maxBytes));
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false }) sizeFeature.MaxRequestBodySize = maxBytes;
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, DistSyncJson.Options, context.RequestAborted).ConfigureAwait(false);
            return value is null ? (null, Problems.BadRequest("the body must be a JSON object")) : (value, null);
        }
        catch (JsonException e)
        {
            var where = e.Path is { Length: > 0 } path ? $" at '{path}'" : "";
            return (null, Problems.BadRequest($"malformed JSON{where}: {FirstSentence(e.Message)}"));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Problems.TooLarge(maxBytes));
        }
    }

    private static string FirstSentence(string message)
    {
        var dot = message.IndexOf(". ", StringComparison.Ordinal);
        return dot > 0 ? message[..dot] : message;
    }
}
