using System.Text;
using Liaison.Core.Agreements;

namespace Liaison.Core.Acknowledgements;

/// <summary>
/// The editable text of the acknowledgement in one language, with named placeholders in braces.
/// </summary>
/// <remarks>
/// <para>Placeholders: {deadline} (the promise in the client's zone as a phrase: "by 10:00 on Monday,
/// 3 March", "jutro do 10:00"), {deadline_time} (10:00), {deadline_our_time} (the same instant in our
/// zone, with the weekday when the date differs), {our_city} (Warsaw), {in_our_city} ("in Warsaw",
/// "w Warszawie"; "our time"-style words when the city is not known), {hours_until} ("5 hours",
/// "5 godzin": whole hours, rounded up), {time_until} (minutes under an hour, hours under two days,
/// then days). Write "{{" and "}}" for literal braces.</para>
/// <para>Rules: every placeholder is one of these, braces are balanced, and the text names
/// {deadline}: an acknowledgement that does not say when we answer is not one.
/// <see cref="SameZoneText"/>, when set, is used when the client shares our zone (the "our time"
/// aside would say the same thing twice) and obeys the same rules.</para>
/// </remarks>
public sealed record AcknowledgementTemplate(string Language, string Text, string? SameZoneText = null)
{
    /// <summary>The placeholders a template may name.</summary>
    public static IReadOnlyList<string> Placeholders { get; } =
        ["deadline", "deadline_time", "deadline_our_time", "our_city", "in_our_city", "hours_until", "time_until"];

    /// <summary>The default template of a language (en, pl, ru, bg), speaking as "I" or "we".</summary>
    public static AcknowledgementTemplate Default(string language, SpeakingAs speakingAs = SpeakingAs.I) => speakingAs == SpeakingAs.We ? DefaultAsWe(language) : language switch
    {
        "pl" => new("pl",
            "Dziękuję za wiadomość. Odpowiem {deadline} (według Państwa czasu; {in_our_city} będzie wtedy {deadline_our_time}).",
            "Dziękuję za wiadomość. Odpowiem {deadline}."),
        "ru" => new("ru",
            "Спасибо, Ваше сообщение получено. Отвечу {deadline} (по Вашему времени; {in_our_city} будет {deadline_our_time}).",
            "Спасибо, Ваше сообщение получено. Отвечу {deadline}."),
        "bg" => new("bg",
            "Благодаря, получих съобщението Ви. Ще отговоря {deadline} (по Вашето време; {in_our_city} ще бъде {deadline_our_time}).",
            "Благодаря, получих съобщението Ви. Ще отговоря {deadline}."),
        "en" => new("en",
            "Thank you, I have your message. I will answer {deadline} (your time; {deadline_our_time} {in_our_city}).",
            "Thank you, I have your message. I will answer {deadline}."),
        _ => throw new AgreementRuleException("acknowledgement.language", $"There is no acknowledgement in '{language}'; choose en, pl, ru or bg.", "language"),
    };

    private static AcknowledgementTemplate DefaultAsWe(string language) => language switch
    {
        "pl" => new("pl",
            "Dziękujemy za wiadomość. Odpowiemy {deadline} (według Państwa czasu; {in_our_city} będzie wtedy {deadline_our_time}).",
            "Dziękujemy za wiadomość. Odpowiemy {deadline}."),
        "ru" => new("ru",
            "Спасибо, Ваше сообщение получено. Ответим {deadline} (по Вашему времени; {in_our_city} будет {deadline_our_time}).",
            "Спасибо, Ваше сообщение получено. Ответим {deadline}."),
        "bg" => new("bg",
            "Благодарим, получихме съобщението Ви. Ще отговорим {deadline} (по Вашето време; {in_our_city} ще бъде {deadline_our_time}).",
            "Благодарим, получихме съобщението Ви. Ще отговорим {deadline}."),
        "en" => new("en",
            "Thank you, we have your message. We will answer {deadline} (your time; {deadline_our_time} {in_our_city}).",
            "Thank you, we have your message. We will answer {deadline}."),
        _ => throw new AgreementRuleException("acknowledgement.language", $"There is no acknowledgement in '{language}'; choose en, pl, ru or bg.", "language"),
    };

    /// <summary>The longest acknowledgement text: a few paragraphs, sent with every answered message.</summary>
    public const int MaxTextLength = 2000;

    /// <summary>Throws <see cref="AgreementRuleException"/> (field "acknowledgement.{language}") for a broken rule.</summary>
    public void Validate()
    {
        var field = $"acknowledgement.{Language}";
        if (!Agreement.Languages.Contains(Language))
            throw new AgreementRuleException("acknowledgement.language", $"There is no acknowledgement language '{Language}'; choose en, pl, ru or bg.", field);
        Check(Text, field);
        if (SameZoneText is not null) Check(SameZoneText, field + ".sameZone");
    }

    /// <summary>Fills the placeholders from <paramref name="values"/>; the template must be valid.</summary>
    internal static string Fill(string text, Func<string, string> values)
    {
        var sb = new StringBuilder(text.Length + 64);
        Walk(text, "", literal =>
        {
            // A value that ends in an abbreviation's full stop (Bulgarian "17:30 ч.") followed by the
            // sentence's own full stop would read "ч.."; one full stop ends both.
            if (literal.StartsWith('.') && sb.Length > 0 && sb[^1] == '.') literal = literal[1..];
            sb.Append(literal);
        }, name => sb.Append(values(name)));
        return sb.ToString();
    }

    private static void Check(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new AgreementRuleException("acknowledgement.empty", "The acknowledgement text is empty.", field);
        if (text.Length > MaxTextLength)
            throw new AgreementRuleException("acknowledgement.too-long", $"An acknowledgement is at most {MaxTextLength} characters; this one has {text.Length}.", field);
        if (text.Contains('\0'))
            throw new AgreementRuleException("text.nul", "The acknowledgement contains a NUL character (U+0000).", field);
        var namesDeadline = false;
        Walk(text, field, _ => { }, name =>
        {
            if (!Placeholders.Contains(name))
                throw new AgreementRuleException("acknowledgement.unknown-placeholder",
                    $"{{{name}}} is not a placeholder; use one of {string.Join(", ", Placeholders.Select(p => "{" + p + "}"))}.", field);
            namesDeadline |= name == "deadline";
        });
        if (!namesDeadline)
            throw new AgreementRuleException("acknowledgement.no-deadline",
                "The acknowledgement no longer says when we answer: put {deadline} back into the text.", field);
    }

    private static void Walk(string text, string field, Action<string> literal, Action<string> placeholder)
    {
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '{' && i + 1 < text.Length && text[i + 1] == '{') { literal("{"); i += 2; continue; }
            if (c == '}' && i + 1 < text.Length && text[i + 1] == '}') { literal("}"); i += 2; continue; }
            if (c == '}') throw new AgreementRuleException("acknowledgement.unbalanced", $"A '}}' at position {i + 1} closes nothing; write '}}}}' for a literal brace.", field);
            if (c == '{')
            {
                var close = text.IndexOf('}', i + 1);
                if (close < 0) throw new AgreementRuleException("acknowledgement.unbalanced", $"The '{{' at position {i + 1} is never closed.", field);
                placeholder(text[(i + 1)..close].Trim());
                i = close + 1;
                continue;
            }
            var next = text.IndexOfAny(['{', '}'], i);
            if (next < 0) next = text.Length;
            literal(text[i..next]);
            i = next;
        }
    }
}
