using System.Net;
using System.Net.Sockets;
using System.Text;
using Liaison.Core;
using Liaison.Core.Text;

namespace Liaison.Channels.Email;

/// <summary>
/// Which hosts a mailbox may point at, and how a connection to one is opened. Loopback and private
/// ranges are allowed (self-hosted mail servers, the tests' Dovecot on 127.0.0.1); link-local
/// addresses and the clouds' metadata services are not: a mailbox setting is a way to make the
/// server open connections, and the metadata service hands out the machine's credentials.
/// </summary>
public static class MailHosts
{
    // The names the clouds give their metadata service (GCP, AWS's older name, Azure's internal zone).
    private static readonly string[] MetadataNames =
        ["metadata", "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal", "metadata.azure.internal"];

    // Metadata services outside the link-local ranges: AWS's IPv6 one, Alibaba's, Oracle's alternative.
    private static readonly IPAddress[] MetadataAddresses =
        [IPAddress.Parse("fd00:ec2::254"), IPAddress.Parse("100.100.100.200"), IPAddress.Parse("192.0.0.192")];

    /// <summary>True for an address Liaison never connects to: link-local (169.254.0.0/16 with 169.254.169.254, fe80::/10) or a metadata service.</summary>
    public static bool IsRefused(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var bytes = address.GetAddressBytes();
            if (bytes[0] == 169 && bytes[1] == 254) return true;
        }
        else if (address.IsIPv6LinkLocal)
        {
            return true;
        }
        return MetadataAddresses.Any(m => m.Equals(address));
    }

    /// <summary>True for a host name or IP literal that is refused before any lookup.</summary>
    public static bool IsRefused(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var name = host.Trim().TrimEnd('.').ToLowerInvariant();
        if (IPAddress.TryParse(name.Trim('[', ']'), out var address)) return IsRefused(address);
        return MetadataNames.Contains(name, StringComparer.Ordinal);
    }

    /// <summary>Refuses a host setting that names a link-local or metadata address, on its field.</summary>
    internal static string Check(string host, string setting) => IsRefused(host)
        ? throw new DomainRuleException("channel.setting.refused",
            $"'{setting}' points at a link-local or cloud metadata address ({host}); Liaison does not connect there.", setting)
        : host;

    /// <summary>
    /// Resolves <paramref name="host"/>, refuses it when any of its addresses is refused (a name that
    /// resolves to 169.254.169.254 is the metadata service by another name), and connects to the
    /// addresses it checked: MailKit then talks over this socket, so a second lookup cannot answer otherwise.
    /// </summary>
    internal static async Task<Socket> ConnectAsync(string host, int port, TimeSpan timeout, CancellationToken ct)
    {
        if (IsRefused(host)) throw new MailConnectionException(RefusedText(host, port, host));
        var addresses = await Dns.GetHostAddressesAsync(host, ct);
        if (addresses.FirstOrDefault(IsRefused) is { } refused) throw new MailConnectionException(RefusedText(host, port, refused.ToString()));
        if (addresses.Length == 0) throw new SocketException((int)SocketError.HostNotFound);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (timeout > TimeSpan.Zero) limit.CancelAfter(timeout);
            try
            {
                await socket.ConnectAsync(addresses, port, limit.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"The server at {host}:{port} did not accept a connection within {timeout.TotalSeconds:0} s.");
            }
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static string RefusedText(string host, int port, string address) =>
        $"The server at {host}:{port} is a link-local or cloud metadata address ({address}); Liaison does not connect there.";

    /// <summary>What the channel's status shows for a peer that does not speak the protocol: a plain sentence, none of its bytes.</summary>
    internal static string NotAServer(string host, int port, string protocol) =>
        $"The server at {host}:{port} did not answer as an {protocol} server.";

    /// <summary>
    /// A peer's words made safe for a status line or a log: control and bidi characters become
    /// spaces or are dropped, and the text is capped, so a hostile server cannot write escape
    /// sequences into a terminal or a screenful into the page.
    /// </summary>
    public static string Sanitize(string? text, int maxLength = 300)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var clean = new StringBuilder(Math.Min(text.Length, maxLength));
        foreach (var c in TextSafety.WithoutBidiControls(text))
        {
            if (clean.Length >= maxLength) break;
            clean.Append(char.IsControl(c) ? ' ' : c);
        }
        var result = clean.ToString().Trim();
        return text.Length > maxLength ? result + "…" : result;
    }
}

/// <summary>A mailbox connection that failed in a way described by a plain sentence (no peer bytes); retried like any connection failure.</summary>
public sealed class MailConnectionException(string message, Exception? inner = null) : IOException(message, inner);
