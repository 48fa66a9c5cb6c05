using System.Text.RegularExpressions;

namespace Liaison.Core.Conversations;

/// <summary>
/// A conversation's topic as its subject line says it, for messages that carry no thread ids (a mail
/// whose client dropped In-Reply-To and References): "RE: Fwd: [acme]  Offer" and "offer" are one
/// topic. Such a message's thread key is <see cref="SubjectKeyPrefix"/> + the normalised subject, and
/// it joins the client's conversation about the same topic.
/// </summary>
public static partial class Topic
{
    public const string SubjectKeyPrefix = "subject:";

    public static string ThreadKeyFor(string? subject) => SubjectKeyPrefix + Normalise(subject);

    /// <summary>The normalised subject a thread key names, or null when the key is a channel's own thread id.</summary>
    public static string? OfThreadKey(string threadKey) =>
        threadKey.StartsWith(SubjectKeyPrefix, StringComparison.Ordinal) ? threadKey[SubjectKeyPrefix.Length..] : null;

    /// <summary>
    /// The subject without reply/forward prefixes in the languages our users write in, list tags
    /// ("[project]"), case and repeated spaces.
    /// </summary>
    public static string Normalise(string? subject)
    {
        var s = (subject ?? "").Trim();
        while (true)
        {
            var stripped = ListTag().Replace(ReplyPrefix().Replace(s, "", 1), "", 1).Trim();
            if (stripped == s) break;
            s = stripped;
        }
        return Spaces().Replace(s, " ").ToLowerInvariant();
    }

    /// <summary>Whether the subject says the message answers or forwards another ("Re:", "Odp:", "Отв:").</summary>
    public static bool IsReply(string? subject) => ReplyPrefix().IsMatch(subject ?? "");

    // re, fw, fwd; aw/wg (de); odp/pd/tr (pl); sv (nordic); отв/ответ/пересл (ru); отг (bg); optional [n] counters.
    [GeneratedRegex(@"^\s*(re|fwd|fw|aw|wg|odp|pd|sv|tr|ответ|отв|отг|пересл)\s*(\[\d+\]|\(\d+\))?\s*:\s*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ReplyPrefix();

    [GeneratedRegex(@"^\s*\[[^\]]{1,40}\]\s*")]
    private static partial Regex ListTag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
