namespace Liaison.Core.Channels;

/// <summary>
/// The kind of a channel or of an identity: e-mail, Telegram, WhatsApp, Viber, Messenger, phone, ...
/// </summary>
/// <remarks>
/// A value, not an enum: a new channel project brings its own kind without touching a central list,
/// so nothing switches over every kind. The value is the lower-case stable name stored in the
/// database and used in URLs ("email", "telegram").
/// </remarks>
public readonly record struct ChannelKind
{
    public static readonly ChannelKind Email = new("email");
    public static readonly ChannelKind Phone = new("phone");
    public static readonly ChannelKind Telegram = new("telegram");
    public static readonly ChannelKind WhatsApp = new("whatsapp");
    public static readonly ChannelKind Viber = new("viber");
    public static readonly ChannelKind Messenger = new("messenger");
    /// <summary>A meeting in person or on a video call (Zoom, Meet, Skype): only ever a note.</summary>
    public static readonly ChannelKind Meeting = new("meeting");
    /// <summary>Anything else a fragment was pasted from (Skype, LinkedIn, Gadu-Gadu, ...).</summary>
    public static readonly ChannelKind Other = new("other");
    /// <summary>
    /// The channel of messages recorded through <c>POST /api/messages</c>: one per workspace, so that a
    /// message recorded twice (same provider id) is caught by the one unique rule every message obeys.
    /// The message itself keeps the kind it was exchanged on (e-mail, Telegram).
    /// </summary>
    public static readonly ChannelKind Api = new("api");
    /// <summary>The channel of history imported from one source (an export, another tool): one per source.</summary>
    public static readonly ChannelKind Import = new("import");

    public ChannelKind(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        if (value.Length > 32 || !value.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-'))
            throw new ArgumentException($"A channel kind is 1-32 characters of a-z, 0-9 and '-'; got '{value}'.", nameof(value));
        Value = value;
    }

    public string Value { get; }

    /// <summary>Instant messengers: answered within hours rather than working days by default.</summary>
    public bool IsMessenger => this == Telegram || this == WhatsApp || this == Viber || this == Messenger;

    /// <summary>
    /// No provider stands behind a channel of this kind (<see cref="Api"/>, <see cref="Import"/>): it
    /// only holds history recorded by other means; nothing arrives on it by webhook or pulling, and
    /// nothing is sent on it.
    /// </summary>
    public bool OnlyRecordsHistory => this == Api || this == Import;

    public static bool TryParse(string? text, out ChannelKind kind)
    {
        kind = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var normalised = text.Trim().ToLowerInvariant();
        if (normalised.Length > 32 || !normalised.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-')) return false;
        kind = new ChannelKind(normalised);
        return true;
    }

    public override string ToString() => Value ?? "";
}
