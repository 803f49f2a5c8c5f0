using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using DistSync.Client;
using Microsoft.AspNetCore.Http.Features;

namespace DistSync.Node.Http;

/// <summary>
/// Reads a JSON request body with the API's rules: malformed JSON -> 400 naming the position, a value of the wrong
/// JSON type -> 400 naming the field and the type it must be (never a .NET type name), a body over the configured
/// limit -> 413. Handlers get either the value or the problem to return.
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
            return (null, Problems.BadRequest(Describe(e, typeof(T))));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Problems.TooLarge(maxBytes));
        }
    }

    /// <summary>
    /// The 400's detail. The serializer's own message names CLR types ("could not be converted to
    /// System.Nullable`1[System.Int64]"), which mean nothing to a client in another language; only syntax errors
    /// (the reader's own exception as the inner one) keep the serializer's first sentence, which names no type.
    /// </summary>
    internal static string Describe(JsonException e, Type bodyType)
    {
        var path = e.Path is { Length: > 0 } p ? p : "$";
        if (e.InnerException is JsonException)
            return $"malformed JSON{(path == "$" ? "" : $" at '{path}'")}: {FirstSentence(e.Message)}";
        if (path == "$") return "malformed JSON: the body must be a JSON object";
        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
        return FieldType(bodyType, path) is { } expected
            ? $"field '{field}' must be {expected}"
            : $"field '{field}' has a value of the wrong JSON type";
    }

    /// <summary>The JSON kind the body type expects at <paramref name="path"/> (<c>$.a.b[0]</c>), or null when the path leads nowhere known.</summary>
    private static string? FieldType(Type bodyType, string path)
    {
        var type = bodyType;
        foreach (var segment in Segments(path))
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (segment == "[]")
            {
                type = ElementType(type);
                if (type is null) return null;
                continue;
            }
            var info = DistSyncJson.Options.GetTypeInfo(type);
            var property = info.Kind == JsonTypeInfoKind.Object
                ? info.Properties.FirstOrDefault(x => string.Equals(x.Name, segment, StringComparison.OrdinalIgnoreCase))
                : null;
            if (property is null) return null;
            type = property.PropertyType;
        }
        return Kind(Nullable.GetUnderlyingType(type) ?? type);
    }

    /// <summary><c>$.fence.fencingToken</c> -> fence, fencingToken; <c>$.receipts[2]</c> -> receipts, []; <c>$['a.b']</c> -> a.b.</summary>
    private static IEnumerable<string> Segments(string path)
    {
        var i = path.StartsWith('$') ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                if (end < 0) end = path.Length;
                yield return path[(i + 1)..end];
                i = end;
            }
            else if (path[i] == '[')
            {
                var close = path.IndexOf(']', i);
                if (close < 0) yield break;
                var inside = path[(i + 1)..close];
                yield return inside.StartsWith('\'') ? inside.Trim('\'') : "[]";
                i = close + 1;
            }
            else yield break;
        }
    }

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()[^1]
        : null;

    private static string Kind(Type type)
    {
        if (type == typeof(string) || type == typeof(char) || type.IsEnum || type == typeof(Guid) || type == typeof(DateTime) || type == typeof(DateTimeOffset))
            return "a string";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(long) || type == typeof(int) || type == typeof(short) || type == typeof(byte)
            || type == typeof(ulong) || type == typeof(uint) || type == typeof(ushort) || type == typeof(sbyte))
            return "an integer";
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return "a number";
        if (type.IsArray || (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type) && !IsDictionary(type))) return "an array";
        return "an object";
    }

    private static bool IsDictionary(Type type) =>
        typeof(IDictionary).IsAssignableFrom(type) ||
        type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>));

    private static string FirstSentence(string message)
    {
        var dot = message.IndexOf(". ", StringComparison.Ordinal);
        return dot > 0 ? message[..dot] : message;
    }
}
