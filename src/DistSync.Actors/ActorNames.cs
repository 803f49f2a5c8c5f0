namespace DistSync.Actors;

/// <summary>Rules for actor names given by users.</summary>
internal static class ActorNames
{
    private const string AllowedPunctuation = "-_.*+:@&=,!~';";

    public static void Validate(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new InvalidActorNameException("An actor name must not be empty.");
        }

        if (name[0] == '$')
        {
            throw new InvalidActorNameException($"Actor name '{name}' is invalid: names starting with '$' are reserved for generated names.");
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && !AllowedPunctuation.Contains(c) && c != '$')
            {
                throw new InvalidActorNameException(
                    $"Actor name '{name}' is invalid: '{c}' is not allowed (use ASCII letters, digits and {AllowedPunctuation}).");
            }
        }
    }
}
