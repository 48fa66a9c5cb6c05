using System.Security.Cryptography;

namespace Liaison.Core.Inbound;

/// <summary>
/// What makes a delivery unique for its channel: the provider's own ids ("update:812345",
/// "wamid.HBgL…"), or the content hash when the provider gave none we understand. Deliveries with
/// equal keys on one channel are one delivery, however often the provider retries.
/// </summary>
public readonly record struct DeliveryKey
{
    public const int MaxLength = 200;

    public DeliveryKey(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        // Providers' ids are short; a key past the column's size is hashed, not cut, so it stays unique.
        Value = value.Length <= MaxLength ? value : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)));
    }

    public string Value { get; }

    public static DeliveryKey FromContent(ReadOnlySpan<byte> body) => new("sha256:" + Convert.ToHexStringLower(SHA256.HashData(body)));

    public override string ToString() => Value;
}
