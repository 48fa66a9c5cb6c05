using System.Text.Json;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Liaison.Server.Features.Channels;

/// <summary>
/// A channel's settings (tokens, app secrets, passwords), encrypted at rest with ASP.NET Core Data
/// Protection, whose keys live under the data directory: a copied database alone reveals nothing.
/// </summary>
public sealed class ChannelSettingsRecord
{
    private ChannelSettingsRecord() { Protected = ""; }

    public ChannelSettingsRecord(long channelId, string @protected)
    {
        ChannelId = channelId;
        Protected = @protected;
    }

    public long ChannelId { get; private set; }
    public string Protected { get; private set; }

    public void Replace(string @protected) => Protected = @protected;
}

/// <summary>Encrypts and decrypts channel settings; the one place that sees them in clear.</summary>
public sealed class ChannelSettingsProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector protector = provider.CreateProtector("Liaison.Channels.Settings.v1");

    public string Protect(IReadOnlyDictionary<string, string> values) => protector.Protect(JsonSerializer.Serialize(values));

    public ChannelSettings Unprotect(string protectedValue) =>
        new(JsonSerializer.Deserialize<Dictionary<string, string>>(protector.Unprotect(protectedValue)) ?? []);
}

internal sealed class ChannelSettingsRecordMapping : IEntityTypeConfiguration<ChannelSettingsRecord>
{
    public void Configure(EntityTypeBuilder<ChannelSettingsRecord> e)
    {
        e.ToTable("channel_settings");
        e.HasKey(s => s.ChannelId);
        e.Property(s => s.ChannelId).ValueGeneratedNever();
        e.HasOne<Channel>().WithOne().HasForeignKey<ChannelSettingsRecord>(s => s.ChannelId).OnDelete(DeleteBehavior.Cascade);
    }
}
