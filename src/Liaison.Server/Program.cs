using Liaison.Channels.Email;
using Liaison.Channels.Messenger;
using Liaison.Channels.Telegram;
using Liaison.Channels.WhatsApp;
using Liaison.Server;
using Liaison.Server.Auth;
using Liaison.Server.Components;
using Liaison.Server.Data;
using Liaison.Server.Errors;
using Liaison.Server.Features;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = CommandLine.HostArguments(args),
    // appsettings.json and the UI's assets sit next to the executable, wherever it is started from.
    ContentRootPath = AppContext.BaseDirectory,
});
builder.WebHost.UseStaticWebAssets();
if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://127.0.0.1:5080");

builder.Services.AddLiaisonOptions(builder.Configuration);
builder.Services.AddLiaisonData();
builder.Services.AddLiaisonAuth();
builder.Services.AddLiaisonFeatures();
builder.Services.AddEmailChannel();
builder.Services.AddWhatsAppChannel();
builder.Services.AddTelegramChannel();
builder.Services.AddMessengerChannel();
builder.Services.AddLiaisonApi();
builder.Services.AddLiaisonUi();

var app = builder.Build();
if (CommandLine.IsCommand(args)) return await CommandLine.RunAsync(app, args);

if (!await DataDirectoryLock.TakeForAsync(app)) return 1;
await app.Services.MigrateLiaisonDatabaseAsync();
app.UseSecurityHeaders();
app.UseClientAddresses();
app.UseExceptionHandler();
app.UseLiaisonStatusPages();
// Explicit, after the status pages: a re-executed "/status/404" must be routed again.
app.UseRouting();
app.UseAuthentication();
app.UseSetupGate();
app.UseAuthorization();
app.UseAntiforgery();
app.MapLiaisonApi();
app.MapLiaisonHealth();
app.MapLiaisonUi();
await app.RunAsync();
return 0;

/// <summary>Lets tests start the real host with WebApplicationFactory&lt;Program&gt;.</summary>
public partial class Program;
