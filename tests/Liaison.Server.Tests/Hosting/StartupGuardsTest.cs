using Liaison.Server.Features.Channels;
using Liaison.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Liaison.Server.Tests.Hosting;

/// <summary>Start-up refusals that protect a data directory and configuration mistakes caught before anything runs.</summary>
public class StartupGuardsTest
{
    [Fact]
    public async Task SecondServerOnTheSameSqliteDataDirectory_IsRefusedWithAClearMessage()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var first = await ServerProcess.StartAsync(database.Environment);

        var second = ServerProcess.RunCommandAsync(database.Environment, "--urls", $"http://127.0.0.1:{ServerProcess.FreePort()}");
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => second.WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Contains("Another Liaison server", refused.Message);
        Assert.Contains(database.DataDirectory, refused.Message);
        Assert.False(first.HasExited);
        using var http = new HttpClient();
        Assert.True((await http.GetAsync(new Uri(first.Address, "/health/ready"))).IsSuccessStatusCode);
    }

    [Fact]
    public async Task ServerKilled_LeavesNoStaleLock_TheNextStartRuns()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using (var first = await ServerProcess.StartAsync(database.Environment)) await first.KillAsync();
        await using var second = await ServerProcess.StartAsync(database.Environment);
        Assert.False(second.HasExited);
    }

    [Fact]
    public async Task NestedOptionOutOfRange_FailsAtStart_NamingTheSetting()
    {
        await using var app = new ConfiguredApp(new() { ["Liaison:Inbound:MaxAttempts"] = "0" });
        var failure = Assert.ThrowsAny<Exception>(() => app.Services.GetRequiredService<IOptions<LiaisonOptions>>().Value);
        Assert.Contains("MaxAttempts", failure.ToString());
    }

    [Theory]
    [InlineData("liaison.example.com")]
    [InlineData("ftp://liaison.example.com")]
    [InlineData("/relative/path")]
    public async Task PublicBaseUrl_NotAnAbsoluteHttpUrl_FailsAtStart_NamingTheSetting(string value)
    {
        await using var app = new ConfiguredApp(new() { ["Liaison:PublicBaseUrl"] = value });
        var failure = Assert.ThrowsAny<Exception>(() => app.Services.GetRequiredService<IOptions<LiaisonOptions>>().Value);
        Assert.Contains("PublicBaseUrl", failure.ToString());
    }

    [Fact]
    public void PublicBaseUrl_LoopbackOrPrivate_IsNoPublicAddress()
    {
        Assert.False(new LiaisonOptions { PublicBaseUrl = "http://127.0.0.1:5080" }.HasPublicAddress);
        Assert.False(new LiaisonOptions().HasPublicAddress);
        // Nor a private network's, which the internet cannot reach either.
        foreach (var inside in new[] { "http://192.168.1.20:5080", "http://10.0.0.5", "https://172.20.1.1", "http://[fd12:3456::1]", "https://nas.local", "http://liaison" })
            Assert.False(new LiaisonOptions { PublicBaseUrl = inside }.HasPublicAddress, inside);
        Assert.True(new LiaisonOptions { PublicBaseUrl = "https://203.0.113.7" }.HasPublicAddress);
        Assert.True(new LiaisonOptions { PublicBaseUrl = "https://liaison.example.com/base" }.HasPublicAddress);
        Assert.Equal(new Uri("https://liaison.example.com/base/"), new LiaisonOptions { PublicBaseUrl = "https://liaison.example.com/base" }.PublicBaseUri);
    }

    [Fact]
    public async Task UnknownChannelIds_AreNotRemembered_MemoryStaysBoundedByTheChannelsThatExist()
    {
        await using var app = new Infrastructure.LiaisonApp(DatabaseProvider.Sqlite);
        await app.StartAsync();
        using var hooks = app.CreateClient();
        for (var id = 1_000_000; id < 1_000_300; id++)
        {
            using var response = await hooks.PostAsync($"/hooks/{id}", new StringContent("{}"));
            Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        }
        Assert.Equal(0, app.Services.GetRequiredService<ChannelDirectory>().CachedCount);
    }

    private sealed class ConfiguredApp(Dictionary<string, string?> settings) : Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>
    {
        private readonly string dataDirectory = Directory.CreateTempSubdirectory("liaison-options-").FullName;

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            settings["Liaison:DataDirectory"] = dataDirectory;
            builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
        }

        public override async ValueTask DisposeAsync()
        {
            try { await base.DisposeAsync(); } catch (Exception) { /* the host never started */ }
            try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
        }
    }
}
