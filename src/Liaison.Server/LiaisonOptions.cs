using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Liaison.Server;

/// <summary>The "Liaison" configuration section (appsettings.json, or Liaison__X environment variables).</summary>
public sealed class LiaisonOptions
{
    public const string Section = "Liaison";

    /// <summary>Where the SQLite database, attachments and data-protection keys live.</summary>
    [Required]
    public string DataDirectory { get; set; } = "./data";

    public DatabaseOptions Database { get; set; } = new();

    /// <summary>ISO region for phone numbers typed without a country code ("PL", "BG", "RU").</summary>
    [RegularExpression("^[A-Z]{2}$", ErrorMessage = "Liaison:DefaultPhoneRegion is a two-letter ISO region such as PL.")]
    public string? DefaultPhoneRegion { get; set; }

    /// <summary>Largest attachment accepted through the API, in bytes.</summary>
    [Range(1, long.MaxValue)]
    public long MaxAttachmentBytes { get; set; } = 100L * 1024 * 1024;

    [ValidateObjectMembers]
    public InboundOptions Inbound { get; set; } = new();

    public AcknowledgementOptions Acknowledgements { get; set; } = new();

    /// <summary>
    /// The address the internet reaches this server at ("https://liaison.example.com"): webhook URLs
    /// are built from it and handed to the providers that are told where to post (a Telegram bot's
    /// setWebhook). Unset, the Channels page shows the address the browser used and says so.
    /// </summary>
    [AbsoluteHttpUrl]
    public string? PublicBaseUrl { get; set; }

    /// <summary><see cref="PublicBaseUrl"/> as a URI ending in '/', or null when unset.</summary>
    public Uri? PublicBaseUri => string.IsNullOrWhiteSpace(PublicBaseUrl) ? null : new Uri(PublicBaseUrl.TrimEnd('/') + "/", UriKind.Absolute);

    /// <summary>
    /// Whether providers on the internet can reach the configured address: set, and neither a
    /// loopback address nor one of a private network (10/8, 172.16/12, 192.168/16, 100.64/10,
    /// link-local, IPv6 unique-local) nor a name only a local network resolves (".local", ".lan",
    /// ".internal", a name without a dot).
    /// </summary>
    public bool HasPublicAddress => PublicBaseUri is { } uri && !uri.IsLoopback && !IsPrivate(uri);

    private static bool IsPrivate(Uri uri)
    {
        if (System.Net.IPAddress.TryParse(uri.IdnHost, out var ip))
        {
            if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
            if (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
                return ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6UniqueLocal;
            var b = ip.GetAddressBytes();
            return b[0] == 10 || (b[0] == 172 && b[1] is >= 16 and < 32) || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] is >= 64 and < 128);
        }
        var host = uri.IdnHost.TrimEnd('.');
        return !host.Contains('.', StringComparison.Ordinal)
            || LocalSuffixes.Any(suffix => host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase));
    }

    private static readonly string[] LocalSuffixes = [".local", ".lan", ".internal", ".home.arpa", ".localhost"];

    public string FullDataDirectory => Path.GetFullPath(DataDirectory);
}

/// <summary>The "Liaison:Inbound" section: webhook deliveries and their processing.</summary>
public sealed class AcknowledgementOptions
{
    /// <summary>Whether this process sends automatic acknowledgements at all (each agreement still says when); tests of other features turn it off.</summary>
    public bool Send { get; set; } = true;
}

public sealed class InboundOptions
{
    /// <summary>A webhook body larger than this is refused with 413 (providers send a few KB).</summary>
    [Range(1024, 64L * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Processing attempts before a delivery is shown as undelivered (backoff 2 s, 4 s, 8 s ...).</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>
    /// Attempts at a delivery that never finished (the server stopped while processing it: a crash,
    /// running out of memory) before it is set aside on the Undelivered page instead of being tried at
    /// the next start again. Two: a kill during one attempt is bad luck, twice in a row it is the delivery.
    /// </summary>
    [Range(1, 100)]
    public int MaxCrashes { get; set; } = 2;

    /// <summary>Deliveries committed together at most: one transaction, one fsync, for a burst.</summary>
    [Range(1, 10_000)]
    public int MaxBatch { get; set; } = 512;

    /// <summary>Attachments extracted from one mail; the rest are counted on the message and stay in the stored raw mail.</summary>
    [Range(1, 10_000)]
    public int MaxAttachmentsPerMessage { get; set; } = 100;

    /// <summary>Whether this instance turns stored deliveries into messages. An instance that only receives can leave it to others.</summary>
    public bool Process { get; set; } = true;

    /// <summary>Serves POST /diagnostics/bare-webhook, which only answers 200: the benchmark's denominator. Off in production.</summary>
    public bool BareEndpoint { get; set; }
}

/// <summary>An absolute http or https URL, or nothing.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AbsoluteHttpUrlAttribute : ValidationAttribute
{
    public AbsoluteHttpUrlAttribute() : base("{0} must be an absolute http:// or https:// URL such as https://liaison.example.com.") { }

    public override bool IsValid(object? value) =>
        value is null
        || value is string { Length: 0 }
        || (value is string text && Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment));
}

/// <summary>
/// Validates the whole "Liaison" section at start-up, nested sections included: the reflection-based
/// <c>ValidateDataAnnotations</c> checks only the top level, so a <c>[Range]</c> on
/// <c>Liaison:Inbound</c> was never applied. Generated at compile time, so no attribute is missed.
/// </summary>
[OptionsValidator]
public sealed partial class LiaisonOptionsValidator : IValidateOptions<LiaisonOptions>;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public sealed class DatabaseOptions
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Required for Postgres; for SQLite defaults to liaison.db in the data directory.</summary>
    public string? ConnectionString { get; set; }
}
