using System.ComponentModel.DataAnnotations;

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

    public string FullDataDirectory => Path.GetFullPath(DataDirectory);
}

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
