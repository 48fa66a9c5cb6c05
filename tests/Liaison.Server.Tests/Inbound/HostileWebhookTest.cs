using System.Net;
using Liaison.Channels.WhatsApp;
using Liaison.Core.Inbound;
using Liaison.Testing;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Tests.Inbound;

/// <summary>Webhook bodies built to hurt the parser: refused cleanly, the server unharmed.</summary>
public class HostileWebhookTest(LiaisonApps apps)
{
    /// <summary>A signed WhatsApp envelope whose text body is <paramref name="depth"/> nested arrays.</summary>
    private static string Nested(int depth) =>
        WhatsAppDeliveries.Text("48600100200", "Deep", "wamid.deep", "x", DateTimeOffset.UnixEpoch.AddDays(20000))
            .Replace("\"x\"", new string('[', depth) + new string(']', depth), StringComparison.Ordinal);

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task DeeplyNestedJsonWebhook_Is400_NothingIsStored_AndTheServerAnswersOn(DatabaseProvider db)
    {
        var app = await apps.For(db);
        var channel = await WhatsAppChannel.ConnectAsync(app);

        var deep = await channel.PostAsync(Nested(200_000));
        var justOverTheLimit = await channel.PostAsync(Nested(40));

        Assert.Equal(HttpStatusCode.BadRequest, deep.StatusCode);
        Assert.Contains("depth", await deep.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.BadRequest, justOverTheLimit.StatusCode);
        Assert.Equal(0, await app.WithDb(d => d.InboundDeliveries.CountAsync(x => x.ChannelId == channel.Id)));
        var ordinary = await channel.PostAsync(WhatsAppDeliveries.Text("48600100200", "Plain", $"wamid.{Guid.NewGuid():N}", "still here", DateTimeOffset.UnixEpoch.AddDays(20000)));
        Assert.Equal(HttpStatusCode.OK, ordinary.StatusCode);
    }

    [Fact]
    public void DeeplyNestedJson_StoredBeforeTheLimitExisted_IsAFormatErrorWhenParsed_NotACrash()
    {
        var adapter = new WhatsAppAdapter();
        var body = System.Text.Encoding.UTF8.GetBytes(Nested(200_000));
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => adapter.Parse(body, ChannelSettings.Empty));
    }
}
