using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Text.Json;
using System.Text.Json.Serialization;
using Liaison.Server.Auth;
using Liaison.Server.Data;
using Liaison.Server.Errors;
using Liaison.Server.Features.Acknowledgements;
using Liaison.Server.Features.Agreements;
using Liaison.Server.Features.Notifications;
using Liaison.Server.Features.Calendar;
using Liaison.Server.Features.Attachments;
using Liaison.Server.Features.Channels;
using Liaison.Server.Features.Clients;
using Liaison.Server.Features.Inbound;
using Liaison.Server.Features.Contacts;
using Liaison.Server.Features.Messages;
using Liaison.Server.Features.Notes;
using Liaison.Server.Features.Outbox;
using Liaison.Server.Features.Portal;
using Liaison.Server.Features.Promises;
using Liaison.Server.Features.Timeline;
using Liaison.Server.Features.UnknownSenders;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;
using Scalar.AspNetCore;

namespace Liaison.Server.Features;

public static class FeatureServices
{
    public static IServiceCollection AddLiaisonOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LiaisonOptions>().Bind(configuration.GetSection(LiaisonOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LiaisonOptions>, LiaisonOptionsValidator>();
        // One time source: tests replace the TimeProvider with a fake one and the domain's clock follows.
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IClock>(sp => new Core.Background.TimeProviderClock(sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    public static IServiceCollection AddLiaisonFeatures(this IServiceCollection services)
    {
        services.AddLiaisonAttachments();
        Background.LeaseClock.Register(services);
        services.AddLiaisonInbound();
        services.AddLiaisonOutbox();
        services.AddLiaisonPromises();
        services.AddLiaisonAcknowledgements();
        services.AddLiaisonOwnerNotifications();
        return services;
    }

    public static IServiceCollection AddLiaisonApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => ConfigureJson(o.SerializerOptions));
        services.AddProblemDetails();
        services.AddExceptionHandler<DomainProblems>();
        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo { Title = "Liaison", Version = "v1", Description = "Clients, contacts, identities, notes and one timeline per client. Authenticate with 'Authorization: Bearer <API token>' (create one with `Liaison.Server token create --name N`)." };
                return Task.CompletedTask;
            });
            o.AddSchemaTransformer((schema, context, _) =>
            {
                // NodaTime instants travel as ISO 8601 strings, not as the struct's fields.
                var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
                if (type == typeof(Instant))
                {
                    schema.Type = JsonSchemaType.String;
                    schema.Format = "date-time";
                    schema.Properties?.Clear();
                }
                else if (type == typeof(Liaison.Core.Channels.ChannelKind))
                {
                    // Channel kinds travel as their plain name ("email"), see ChannelKindJsonConverter.
                    schema.Type = JsonSchemaType.String;
                    schema.Properties?.Clear();
                }
                return Task.CompletedTask;
            });
        });
        services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = long.MaxValue);
        services.AddHealthChecks().AddDbContextCheck<LiaisonDb>("database", tags: ["ready"]);
        return services;
    }

    public static void ConfigureJson(JsonSerializerOptions json)
    {
        json.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        json.Converters.Add(new ChannelKindJsonConverter());
        json.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
    }

    public static WebApplication MapLiaisonApi(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference("/api/docs", o => o.WithTitle("Liaison API"));
        app.CapApiBodies();
        var api = app.MapGroup("/api").RequireAuthorization(AuthServices.ApiPolicy).RefuseBadText();
        api.MapClients().MapClientGlances().MapContacts().MapNotes().MapTimeline().MapMessages().MapUnknownSenders().MapAccounts().MapAgreements().MapCalendar().MapChannels().MapUndelivered().MapOutbox().MapChannelTemplates().MapPendingAttachments().MapPromises();
        app.MapWebhooks();
        app.MapPortal();
        return app;
    }

    public static WebApplication MapLiaisonHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        return app;
    }
}
