using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Liaison.Core.Acknowledgements;
using Liaison.Core.Agreements;
using Liaison.Core.Calendars;
using Liaison.Core.Channels;
using Liaison.Server.Features.Agreements;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Liaison.Server.Tests.Agreements;

/// <summary>A stored agreement document must lose nothing: every term set to something other than its default survives.</summary>
public class AgreementJsonTest(LiaisonApps apps)
{
    [Fact]
    public async Task FullAgreement_ThroughTheServersJsonOptions_RoundTripsUnchanged()
    {
        var app = await apps.For(DatabaseProvider.Sqlite);
        var http = app.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var document = new AgreementDocument(Full(), [new AcknowledgementTemplate("pl", "Odpowiem {deadline}.", "Odpowiem {deadline} ({time_until}).")]);

        foreach (var options in new[] { http, AgreementJson.Options })
        {
            var json = JsonSerializer.Serialize(document, options);
            var back = JsonSerializer.Deserialize<AgreementDocument>(json, options)!;
            Assert.Equal(json, JsonSerializer.Serialize(back, options));
            Assert.Empty(AgreementDiff.Between(document.Terms, back.Terms));
            Assert.Equal(document.Terms.EffectiveFrom, back.Terms.EffectiveFrom);
            Assert.Equal(document.Terms.Version, back.Terms.Version);
            Assert.True(back.Terms.ContactHours.Saturday[0].EndsNextDay);
            Assert.Equal(ChannelKind.Telegram, back.Terms.Channels.Preferred);
            back.Terms.Validate();
        }
        var node = JsonNode.Parse(AgreementJson.Serialize(document))!;
        Assert.Equal("telegram", node["terms"]!["channels"]!["preferred"]!.GetValue<string>());
        Assert.Equal("workingDays", node["terms"]!["responseTimes"]![1]!["within"]!["unit"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task FullAgreement_StoredAndReadBack_KeepsEveryTerm(DatabaseProvider db)
    {
        var api = (await apps.For(db)).Api();
        var id = (await (await api.Post("/api/clients", new { name = ApiCalls.Unique("Round trip ") })).Json(HttpStatusCode.Created)).Id();
        var terms = JsonSerializer.SerializeToNode(Full(), AgreementJson.Options)!;
        var saved = await (await api.PutAsJsonAsync($"/api/clients/{id}/agreement", new { terms })).Json(HttpStatusCode.OK);
        var read = await (await api.GetAsync($"/api/clients/{id}/agreement")).Json(HttpStatusCode.OK);

        foreach (var view in new[] { saved, read })
        {
            var stored = view["terms"]!.AsObject();
            foreach (var (name, value) in terms.AsObject())
            {
                if (name is "version" or "effectiveFrom") continue; // the server numbers and dates versions
                Assert.True(JsonNode.DeepEquals(value, stored[name]), $"{name}: sent {value?.ToJsonString()}, got {stored[name]?.ToJsonString()}");
            }
        }
        Assert.Equal(saved["effectiveFrom"]!.GetValue<string>(), read["effectiveFrom"]!.GetValue<string>());
    }

    private static Agreement Full() => new()
    {
        Version = 3,
        EffectiveFrom = Instant.FromUtc(2026, 3, 29, 0, 30),
        ClientTimeZone = "America/New_York",
        ContactHours = WeeklyHours.Weekdays(TimeOfDayRange.Of(8, 30, 17, 45)).With(IsoDayOfWeek.Saturday, TimeOfDayRange.Of(22, 0, 2, 0)),
        RoundTheClock = [new RoundTheClockDuty(ChannelKind.Phone, Urgency.Urgent), new RoundTheClockDuty(null, null)],
        Channels = new ChannelTerms([ChannelKind.Email, ChannelKind.Telegram, new ChannelKind("signal")], ChannelKind.Telegram, "fastest for quick questions"),
        ResponseTimes =
        [
            new ResponseRule(null, Urgency.Urgent, ResponseTime.Minutes(45)),
            new ResponseRule(ChannelKind.Email, Urgency.Normal, ResponseTime.Days(1.5m)),
            new ResponseRule(null, Urgency.Normal, ResponseTime.Hours(6)),
        ],
        Reports = new ReportCadence(ReportFrequency.Weekly, [new LocalTime(16, 0)], IsoDayOfWeek.Friday, AtEachStageChange: true),
        Language = "bg",
        Files = FileDelivery.Link,
        VoiceMessages = VoiceMessagePolicy.Accept,
        ResponsibleMemberId = 1,
    };
}
