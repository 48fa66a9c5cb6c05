using System.Text.Json;
using System.Text.Json.Serialization;
using Liaison.Core.Channels;

namespace Liaison.Server.Features.Agreements;

/// <summary>A channel kind travels and is stored as its plain name ("email"), not as an object.</summary>
public sealed class ChannelKindJsonConverter : JsonConverter<ChannelKind>
{
    public override ChannelKind Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return ChannelKind.TryParse(text, out var kind)
            ? kind
            : throw new JsonException($"'{text}' is not a channel kind (email, phone, telegram, whatsapp, viber, messenger, meeting, other).");
    }

    public override void Write(Utf8JsonWriter writer, ChannelKind value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);

    public override ChannelKind ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ChannelKind.TryParse(reader.GetString(), out var kind) ? kind : throw new JsonException($"'{reader.GetString()}' is not a channel kind.");

    public override void WriteAsPropertyName(Utf8JsonWriter writer, ChannelKind value, JsonSerializerOptions options) => writer.WritePropertyName(value.Value);
}

/// <summary>
/// The JSON of stored agreement documents: the API's own options (camelCase, enum names, NodaTime as
/// ISO text, channel kinds as names), so what the API shows is exactly what the database holds.
/// </summary>
public static class AgreementJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"The stored {typeof(T).Name} is empty.");

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        FeatureServices.ConfigureJson(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
