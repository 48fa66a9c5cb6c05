namespace Liaison.Core.Acknowledgements;

/// <summary>
/// Words by which a message says it was written by a machine, in en, pl, ru and bg: vacation and
/// out-of-office subjects, auto-reply openings, and the opening of our own default acknowledgements
/// (so two Liaison instances on a chat channel, where there are no headers, stop after one each).
/// </summary>
/// <remarks>
/// Matched case-insensitively: anywhere in a subject, or at the start of the text (a chat has no
/// subject; its auto-replies open with the phrase). Whole phrases only: "urlop" alone is a person
/// asking about a holiday, "poza biurem" is a machine telling one.
/// </remarks>
public static class AutoReplyMarkers
{
    /// <summary>Phrases of auto-replies and vacation notices.</summary>
    public static IReadOnlyList<string> Phrases { get; } =
    [
        // en
        "out of office", "out of the office", "automatic reply", "auto-reply", "autoreply", "auto reply", "away from the office", "on vacation until", "vacation reply", "i am away until", "i'm away until",
        // pl
        "odpowiedź automatyczna", "automatyczna odpowiedź", "autoodpowiedź", "poza biurem", "nieobecność w biurze", "jestem na urlopie",
        // ru
        "автоответ", "автоматический ответ", "вне офиса", "нахожусь в отпуске", "я в отпуске",
        // bg
        "автоматичен отговор", "автоматично съобщение", "извън офиса", "в отпуск съм",
    ];

    private static readonly string[] SubjectPrefixes = ["auto:", "autosvar:", "автоматический ответ:"];

    // The first words of each default acknowledgement (AcknowledgementTemplate.Default).
    private static readonly string[] OurOpenings =
    [
        "Thank you, I have your message.", "Dziękuję za wiadomość. Odpowiem", "Спасибо, Ваше сообщение получено.", "Благодаря, получих съобщението Ви.",
    ];

    private static readonly string[] NoReplyLocalParts =
        ["noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "do_not_reply", "mailer-daemon", "postmaster", "bounce", "bounces", "daemon"];

    /// <summary>True when the subject or the opening of the text says a machine wrote it.</summary>
    public static bool LooksAutomatic(string? subject, string? text)
    {
        if (!string.IsNullOrWhiteSpace(subject))
        {
            var s = subject.Trim();
            if (SubjectPrefixes.Any(p => s.StartsWith(p, StringComparison.OrdinalIgnoreCase))) return true;
            if (Phrases.Any(p => s.Contains(p, StringComparison.OrdinalIgnoreCase))) return true;
        }
        if (string.IsNullOrWhiteSpace(text)) return false;
        var opening = text.TrimStart();
        if (opening.Length > 200) opening = opening[..200];
        if (OurOpenings.Any(o => opening.StartsWith(o, StringComparison.OrdinalIgnoreCase))) return true;
        return Phrases.Any(p => opening.StartsWith(p, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>True for an address whose local part takes no answers (noreply@…, mailer-daemon@…).</summary>
    public static bool IsNoReplyAddress(string? address)
    {
        if (string.IsNullOrEmpty(address)) return false;
        var at = address.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0) return false;
        var local = address[..at].ToLowerInvariant();
        return NoReplyLocalParts.Contains(local) || local.StartsWith("noreply", StringComparison.Ordinal) || local.StartsWith("no-reply", StringComparison.Ordinal);
    }
}
