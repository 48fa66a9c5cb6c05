using System.Collections.Concurrent;
using System.Net;
using Liaison.Core;
using Liaison.Core.Channels;
using Liaison.Core.Identities;
using Liaison.Core.Inbound;
using Liaison.Server.Features.Channels;
using Liaison.Server.Tests.Clients;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Liaison.Server.Tests.Channels;

/// <summary>
/// A channel the server has never heard of, registered the way a channel project registers its own
/// (a descriptor and an adapter, through the test host's services): it is offered for connecting with
/// its own fields, its settings are checked by its rules and its secrets withheld, its addresses are
/// written by its rule, and its connect and disconnect steps run, with no server change.
/// </summary>
public sealed class SelfDescribedChannelTest
{
    private static readonly ChannelKind Pigeon = new("pigeon");

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task TestOnlyChannel_IsOfferedWithItsOwnFields_ForTheConnectForm(DatabaseProvider db)
    {
        await using var app = await StartAsync(db, new PigeonDescriptor());

        var kinds = (await (await app.Api().GetAsync("/api/channels/kinds")).Json(HttpStatusCode.OK)).AsArray();

        var pigeon = kinds.Single(k => k!["kind"]!.GetValue<string>() == "pigeon")!;
        Assert.Equal("Carrier pigeon", pigeon["label"]!.GetValue<string>());
        Assert.Equal(["loft", "birds", "ring", "tame"], pigeon["settings"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()));
        var ring = pigeon["settings"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == "ring")!;
        Assert.True(ring["secret"]!.GetValue<bool>());
        Assert.Equal("password", ring["kind"]!.GetValue<string>());
        Assert.Equal(["webhook"], pigeon["receives"]!.AsArray().Select(r => r!.GetValue<string>()));
        // The public base URL is set to a real address below, so no warning for this webhook channel.
        Assert.False(pigeon["needsPublicUrl"]!.GetValue<bool>());
        // E-mail and WhatsApp describe themselves the same way.
        Assert.Contains(kinds, k => k!["kind"]!.GetValue<string>() == "email" && k["settings"]!.AsArray().Any(f => f!["name"]!.GetValue<string>() == "imap.host"));
        Assert.Contains(kinds, k => k!["kind"]!.GetValue<string>() == "whatsapp" && k["needsPublicUrl"]!.GetValue<bool>() == false);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task TestOnlyChannel_SettingsAreCheckedByItsRules_NamingTheField(DatabaseProvider db)
    {
        await using var app = await StartAsync(db, new PigeonDescriptor());
        var api = app.Api();

        async Task<string> FieldOf(Dictionary<string, string> settings) =>
            (await (await api.Post("/api/channels", new { kind = "pigeon", name = "Loft", settings })).Json(HttpStatusCode.BadRequest))["field"]!.GetValue<string>();

        Assert.Equal("loft", await FieldOf(new() { ["birds"] = "3", ["ring"] = "r" }));
        Assert.Equal("loft", await FieldOf(new() { ["loft"] = "http://roof.example", ["birds"] = "3", ["ring"] = "r" }));
        Assert.Equal("birds", await FieldOf(new() { ["loft"] = "roof.example", ["birds"] = "many", ["ring"] = "r" }));
        Assert.Equal("tame", await FieldOf(new() { ["loft"] = "roof.example", ["birds"] = "3", ["ring"] = "r", ["tame"] = "perhaps" }));
        // The descriptor's own rule over the whole: more birds than a loft holds.
        Assert.Equal("birds", await FieldOf(new() { ["loft"] = "roof.example", ["birds"] = "13", ["ring"] = "r" }));
        Assert.Equal(0, await app.WithDb(d => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(d.Channels, c => c.Kind == Pigeon)));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task TestOnlyChannel_Connected_ItsSecretIsNeverSentBack_AndItsStepsRunWithThePublicAddress(DatabaseProvider db)
    {
        var descriptor = new PigeonDescriptor();
        await using var app = await StartAsync(db, descriptor);
        var api = app.Api();

        var created = await (await api.Post("/api/channels", new { kind = "pigeon", name = "Loft", settings = new Dictionary<string, string> { ["loft"] = "roof.example", ["birds"] = "3", ["ring"] = "R-42" } }))
            .Json(HttpStatusCode.Created);
        var id = created.Id();

        var settings = await (await api.GetAsync($"/api/channels/{id}/settings")).Json(HttpStatusCode.OK);
        Assert.Equal(["ring"], settings["secrets"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Null(settings["values"]!["ring"]);
        Assert.Equal("roof.example", settings["values"]!["loft"]!.GetValue<string>());
        var connected = Assert.Single(descriptor.Connected);
        Assert.Equal(new Uri($"https://liaison.example.test/hooks/{id}"), connected.WebhookUrl);
        Assert.Equal("R-42", connected.Settings["ring"]);

        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"/api/channels/{id}")).StatusCode);
        Assert.Equal(id, Assert.Single(descriptor.Disconnected).ChannelId);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task TestOnlyChannel_ConnectStepRefuses_NothingStays(DatabaseProvider db)
    {
        await using var app = await StartAsync(db, new PigeonDescriptor { RefuseConnect = true });

        var problem = await (await app.Api().Post("/api/channels", new { kind = "pigeon", name = "Closed loft", settings = new Dictionary<string, string> { ["loft"] = "roof.example", ["birds"] = "3", ["ring"] = "r" } }))
            .Json(HttpStatusCode.BadRequest);

        Assert.Equal("ring", problem["field"]!.GetValue<string>());
        Assert.Equal(0, await app.WithDb(d => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(d.Channels, c => c.Kind == Pigeon)));
        Assert.Equal(0, await app.WithDb(d => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(d.ChannelSettings)));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task TestOnlyChannel_Addresses_AreWrittenByItsRule(DatabaseProvider db)
    {
        await using var app = await StartAsync(db, new PigeonDescriptor());
        var api = app.Api();
        var clientId = await ClientsApiTest.NewClient(api, "Pigeon fancier");

        var contact = await ClientsApiTest.NewContact(api, clientId, "Paweł", ("pigeon", " pl-2026-0042 "));

        var identity = contact["identities"]!.AsArray().Single()!;
        Assert.Equal("PL-2026-0042", identity["address"]!.GetValue<string>());
        Assert.Equal("ring PL-2026-0042", identity["displayAddress"]!.GetValue<string>());
        var bad = await (await api.Post($"/api/clients/{clientId}/contacts", new { name = "Nobody", identities = new[] { new { kind = "pigeon", address = "no ring" } } }))
            .Json(HttpStatusCode.BadRequest);
        Assert.Equal("identities[0].address", bad["field"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ChannelThatCanPullOrBePostedTo_IsPulledOnlyWhenItsSettingsSaySo(DatabaseProvider db)
    {
        var homing = new PigeonPulling();
        await using var app = await StartAsync(db, new PigeonDescriptor { HomesWhenTame = true }, services => services.AddSingleton<IPullingChannel>(homing));
        var api = app.Api();
        async Task<long> Connect(string name, bool tame) => (await (await api.Post("/api/channels", new { kind = "pigeon", name,
            settings = new Dictionary<string, string> { ["loft"] = "roof.example", ["birds"] = "3", ["ring"] = "R-1", ["tame"] = tame ? "true" : "false" } })).Json(HttpStatusCode.Created)).Id();

        var pulled = await Connect("Homing loft", tame: true);
        var postedTo = await Connect("Wild loft", tame: false);

        await Eventually.Until(() => Task.FromResult(homing.Ran.ToArray()), ran => ran.Contains(pulled), "the homing loft pulled");
        // Returns after a look at the channel list that saw both channels.
        await app.Services.GetRequiredService<Liaison.Server.Features.Inbound.PullingChannels>().ChangeStoppedAsync(postedTo, () => Task.CompletedTask, default);
        Assert.DoesNotContain(postedTo, homing.Ran);
    }

    private static async Task<LiaisonApp> StartAsync(DatabaseProvider db, PigeonDescriptor descriptor, Action<IServiceCollection>? more = null)
    {
        var app = new LiaisonApp(db, services =>
        {
            more?.Invoke(services);
            services.AddSingleton<ChannelDescriptor>(descriptor);
            services.AddSingleton<IChannelAdapter, PigeonAdapter>();
            services.Configure<LiaisonOptions>(o => o.PublicBaseUrl = "https://liaison.example.test");
        });
        await app.StartAsync();
        return app;
    }

    private sealed class PigeonDescriptor : ChannelDescriptor
    {
        // What a channel project's descriptor sets up: where it is offered, its fields, its address rule.
        public PigeonDescriptor() : base(Pigeon, new ChannelLook("Carrier pigeon", "🕊", "other"))
        {
            Uses = ChannelUses.Account | ChannelUses.Identity;
            Receives = Receiving.Webhook;
            Addresses = new RingRule();
            Settings =
            [
                new("loft", "Loft", SettingKind.Host),
                new("birds", "Birds", SettingKind.Number) { Max = 100 },
                new("ring", "Ring", SettingKind.Password),
                new("tame", "Tame", SettingKind.Bool) { Required = false },
            ];
        }

        public bool RefuseConnect { get; init; }

        /// <summary>A tame pigeon flies home by itself: the loft is then read (pulled) rather than posted to.</summary>
        public bool HomesWhenTame { get; init; }

        public override Receiving ReceivesBy(ChannelSettings settings) =>
            HomesWhenTame && settings["tame"] == "true" ? Receiving.Pulling : Receiving.Webhook;
        public ConcurrentQueue<ChannelConnection> Connected { get; } = new();
        public ConcurrentQueue<ChannelConnection> Disconnected { get; } = new();

        protected override void Validate(ChannelSettings settings)
        {
            if (int.Parse(settings.Required("birds"), System.Globalization.CultureInfo.InvariantCulture) > 12)
                throw new DomainRuleException("pigeon.loft.full", "A loft holds at most 12 birds.", "birds");
        }

        public override Task ConnectAsync(ChannelConnection connection, CancellationToken ct)
        {
            if (RefuseConnect) throw new DomainRuleException("pigeon.ring.refused", "The loft refused that ring.", "ring");
            Connected.Enqueue(connection);
            return Task.CompletedTask;
        }

        public override Task DisconnectAsync(ChannelConnection connection, CancellationToken ct)
        {
            Disconnected.Enqueue(connection);
            return Task.CompletedTask;
        }
    }

    /// <summary>Ring numbers: letters, digits and '-', upper-cased; shown as "ring …".</summary>
    private sealed class RingRule : AddressRule
    {
        public override string Example => "PL-2026-0042";

        protected override string NormalizeTrimmed(ChannelKind kind, string text, string? defaultRegion) =>
            text.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') ? text.ToUpperInvariant() : throw Invalid(kind, $"'{text}' is not a ring number.");

        public override string Display(string normalized) => "ring " + normalized;
    }

    /// <summary>Records which channels it was asked to pull, and pulls until stopped.</summary>
    private sealed class PigeonPulling : IPullingChannel
    {
        public ConcurrentQueue<long> Ran { get; } = new();
        public ChannelKind Kind => Pigeon;

        public async Task RunAsync(long channelId, ChannelSettings settings, CancellationToken ct)
        {
            Ran.Enqueue(channelId);
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
        }

        public PullStatus? StatusOf(long channelId) => null;
    }

    private sealed class PigeonAdapter : IChannelAdapter
    {
        public ChannelKind Kind => Pigeon;
        public bool IsAuthentic(WebhookRequest request, ChannelSettings settings) => false;
        public DeliveryKey Identify(ReadOnlySpan<byte> body) => DeliveryKey.FromContent(body);
        public IReadOnlyList<InboundItem> Parse(ReadOnlyMemory<byte> body, ChannelSettings settings) => [];
    }
}
