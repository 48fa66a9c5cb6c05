namespace Liaison.Server.Components.Shared;

/// <summary>
/// How a channel kind looks in the UI: a label, a colour class and a small glyph. The one place that
/// knows them; a kind added by a new channel project falls back to its own name until it is added here.
/// </summary>
public sealed record ChannelLook(string Kind, string Label, string Glyph)
{
    private static readonly Dictionary<string, ChannelLook> Known = new[]
    {
        new ChannelLook("email", "E-mail", "@"),
        new ChannelLook("phone", "Phone", "☏"),
        new ChannelLook("telegram", "Telegram", "➤"),
        new ChannelLook("whatsapp", "WhatsApp", "✆"),
        new ChannelLook("viber", "Viber", "◉"),
        new ChannelLook("messenger", "Messenger", "✉"),
        new ChannelLook("meeting", "Meeting", "◎"),
        new ChannelLook("other", "Other", "•"),
    }.ToDictionary(l => l.Kind);

    public static ChannelLook For(string? kind) =>
        kind is not null && Known.TryGetValue(kind, out var look) ? look : new ChannelLook(kind ?? "other", kind ?? "Other", "•");

    /// <summary>Kinds a contact's identity can have, in the order a form offers them.</summary>
    public static IReadOnlyList<ChannelLook> IdentityKinds { get; } =
        new[] { "email", "phone", "telegram", "whatsapp", "viber", "messenger", "other" }.Select(For).ToList();

    /// <summary>Where a note can come from, in the order the note box offers them.</summary>
    public static IReadOnlyList<ChannelLook> NoteSources { get; } =
        new[] { "phone", "meeting", "viber", "whatsapp", "telegram", "messenger", "email", "other" }.Select(For).ToList();

    /// <summary>Where a pasted fragment can come from.</summary>
    public static IReadOnlyList<ChannelLook> FragmentSources { get; } =
        new[] { "viber", "whatsapp", "telegram", "messenger", "email", "other" }.Select(For).ToList();

    public string CssClass => $"ch-{(Known.ContainsKey(Kind) ? Kind : "other")}";
}
