using System.Net;
using System.Net.Http.Json;
using static Liaison.Server.Tests.Agreements.AgreementsApiTest;

namespace Liaison.Server.Tests.Calendar;

public partial class CalendarApiTest
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task MemberWithTheirOwnCalendar_TheirClientsPromisesAreCountedInIt_EveryOtherClientsInTheWorkspaces(DatabaseProvider db)
    {
        await using var app = await StartAsync(db);
        var api = app.Api();
        var nora = await app.NewTeamMemberAsync("Nora in New York");
        var norasClient = (await (await api.Post("/api/clients", new { name = ApiCalls.Unique("Nora's "), responsibleMemberId = nora.Id })).Json(HttpStatusCode.Created)).Id();
        var ownersClient = await NewClientAsync(api);

        var following = await (await api.GetAsync($"/api/calendar?member={nora.Id}")).Json(HttpStatusCode.OK);
        Assert.True(following["followsWorkspace"]!.GetValue<bool>());
        Assert.Equal("Europe/Warsaw", following["calendar"]!["timeZone"]!.GetValue<string>());

        var own = await (await app.ApiAs(nora).PutAsJsonAsync($"/api/calendar?member={nora.Id}", Calendar("America/New_York"))).Json(HttpStatusCode.OK);
        Assert.False(own["followsWorkspace"]!.GetValue<bool>());
        Assert.Equal((1, nora.Id), (own["calendar"]!["version"]!.GetValue<int>(), own["memberId"]!.GetValue<long>()));

        // Friday 12:30 in New York, 18:30 in Warsaw: Nora has 4½ working hours left that day, the workspace none.
        var norasPromise = await Preview(api, norasClient, "2027-01-08T17:30:00Z", "telegram", "normal");
        Assert.Equal(("2027-01-08T21:30:00Z", 1), (norasPromise["due"]!.GetValue<string>(), norasPromise["calendarVersion"]!.GetValue<int>()));
        var ownersPromise = await Preview(api, ownersClient, "2027-01-08T17:30:00Z", "telegram", "normal");
        Assert.Equal(("2027-01-11T12:00:00Z", 0), (ownersPromise["due"]!.GetValue<string>(), ownersPromise["calendarVersion"]!.GetValue<int>()));
        Assert.False((await (await api.GetAsync("/api/calendar")).Json(HttpStatusCode.OK))["stored"]!.GetValue<bool>());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task MembersCalendar_IsEditedByTheOwnerOrThatMember_TheWorkspacesByTheOwnerOnly(DatabaseProvider db)
    {
        await using var app = await StartAsync(db);
        var nora = await app.NewTeamMemberAsync("Nora");
        var tom = await app.NewTeamMemberAsync("Tom");
        var asNora = app.ApiAs(nora);

        Assert.Equal("calendar.edit.forbidden", (await (await asNora.PutAsJsonAsync("/api/calendar", Calendar("Europe/Sofia"))).Json(HttpStatusCode.Forbidden))["rule"]!.GetValue<string>());
        await (await asNora.PutAsJsonAsync($"/api/calendar?member={tom.Id}", Calendar("Europe/Sofia"))).Json(HttpStatusCode.Forbidden);
        await (await asNora.PutAsJsonAsync($"/api/calendar?member={app.OwnerMemberId}", Calendar("Europe/Sofia"))).Json(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Api().GetAsync("/api/calendar?member=987654321")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Api().PutAsJsonAsync("/api/calendar?member=987654321", Calendar("Europe/Sofia"))).StatusCode);

        var byOwner = await (await app.Api().PutAsJsonAsync($"/api/calendar?member={tom.Id}", Calendar("Europe/Sofia"))).Json(HttpStatusCode.OK);
        Assert.Equal("Europe/Sofia", byOwner["calendar"]!["timeZone"]!.GetValue<string>());
        var ics = new StringContent(Ics("BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20990105\r\nSUMMARY:Off\r\nEND:VEVENT\r\n"), System.Text.Encoding.UTF8, "text/calendar");
        await (await asNora.PostAsync($"/api/calendar/days-off/import?member={tom.Id}", ics)).Json(HttpStatusCode.Forbidden);
        Assert.Equal(1, (await (await app.Api().GetAsync($"/api/calendar?member={tom.Id}")).Json(HttpStatusCode.OK))["calendar"]!["version"]!.GetValue<int>());
        Assert.True((await (await asNora.GetAsync($"/api/calendar?member={nora.Id}")).Json(HttpStatusCode.OK))["followsWorkspace"]!.GetValue<bool>());
    }
}
