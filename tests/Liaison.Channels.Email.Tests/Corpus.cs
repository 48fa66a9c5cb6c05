using System.Text;
using MimeKit;
using NodaTime;

namespace Liaison.Channels.Email.Tests;

/// <summary>Mail built in code, the way real clients shape it, plus raw text where the bytes matter.</summary>
internal static class Corpus
{
    public const string Owner = "owner@liaison.test";
    public const string Client = "anna@client.test";

    public static readonly DateTimeOffset Sent = new(2026, 11, 20, 9, 30, 0, TimeSpan.FromHours(1));
    public static readonly Instant SentInstant = Instant.FromDateTimeOffset(Sent);

    static Corpus() => MailCharsets.EnsureRegistered();

    public static MimeMessage Mail(string subject = "Offer", string text = "Hello", string from = Client, string to = Owner, string? messageId = null)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Anna Kowalska", from));
        message.To.Add(new MailboxAddress("Owner", to));
        message.Subject = subject;
        message.Date = Sent;
        message.MessageId = messageId ?? MimeKit.Utils.MimeUtils.GenerateMessageId("client.test");
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    public static byte[] Bytes(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        return stream.ToArray();
    }

    /// <summary>Raw RFC 822 text with CRLF line ends; non-ASCII body bytes in <paramref name="encoding"/>.</summary>
    public static byte[] Raw(string headers, string body, Encoding? encoding = null) =>
        [.. Encoding.ASCII.GetBytes(headers.ReplaceLineEndings("\r\n").TrimEnd() + "\r\n\r\n"), .. (encoding ?? Encoding.UTF8).GetBytes(body.ReplaceLineEndings("\r\n"))];
}
