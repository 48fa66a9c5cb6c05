using System.Text;
using MailKit;

namespace Liaison.Channels.Email.Tests;

/// <summary>
/// What the sync said to the IMAP server and heard back, over all its connections: each line the
/// client sent, and the server's lines, so a test sees which commands a pass cost.
/// </summary>
internal sealed class ImapCommandLog
{
    private readonly List<string> _sent = [];
    private readonly List<string> _received = [];

    /// <summary>For <see cref="ImapSyncOptions.ProtocolLogger"/>: one logger per connection, all writing here.</summary>
    public IProtocolLogger NewLogger() => new Connection(this);

    /// <summary>The client's command lines, tag removed: "UID SEARCH UID 4:*", "EXAMINE INBOX (CONDSTORE)".</summary>
    public IReadOnlyList<string> Sent
    {
        get
        {
            lock (_sent) return [.. _sent];
        }
    }

    public IReadOnlyList<string> Received
    {
        get
        {
            lock (_received) return [.. _received];
        }
    }

    /// <summary>Command names, "UID" joined to the command it qualifies: "EXAMINE", "UID FETCH".</summary>
    public IReadOnlyList<string> Commands => Sent
        .Select(line => line.Split(' ', 3))
        .Select(words => words[0] == "UID" && words.Length > 1 ? "UID " + words[1] : words[0])
        .ToList();

    public void Clear()
    {
        lock (_sent) _sent.Clear();
        lock (_received) _received.Clear();
    }

    private sealed class Connection(ImapCommandLog log) : IProtocolLogger
    {
        private readonly StringBuilder _client = new();
        private readonly StringBuilder _server = new();

        public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

        public void LogConnect(Uri uri)
        {
        }

        public void LogClient(byte[] buffer, int offset, int count) =>
            Lines(_client, buffer, offset, count, log._sent, line =>
            {
                // "B00000003 UID FETCH ...": the tag (its letter differs per connection) goes; lines of
                // one word (IDLE's DONE, a SASL answer) are not commands.
                var space = line.IndexOf(' ');
                return space > 0 ? line[(space + 1)..] : null;
            });

        public void LogServer(byte[] buffer, int offset, int count) => Lines(_server, buffer, offset, count, log._received, line => line);

        private static void Lines(StringBuilder pending, byte[] buffer, int offset, int count, List<string> into, Func<string, string?> keep)
        {
            pending.Append(Encoding.Latin1.GetString(buffer, offset, count));
            var text = pending.ToString();
            var end = text.LastIndexOf("\r\n", StringComparison.Ordinal);
            if (end < 0) return;
            pending.Remove(0, end + 2);
            var lines = text[..end].Split("\r\n").Select(keep).OfType<string>();
            lock (into) into.AddRange(lines);
        }

        public void Dispose()
        {
        }
    }
}
