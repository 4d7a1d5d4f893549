using System.Security.Cryptography;
using System.Text;

namespace Claims.EventStore;

/// <summary>
/// Name-based ids (RFC 9562 version 8, from SHA-256): the same parts always give the same id, which is what makes
/// a re-append of the same event a no-op and a redelivered message harmless.
/// </summary>
public static class DeterministicGuid
{
    /// <summary>The id for these parts; parts are joined unambiguously, so ("a", "bc") and ("ab", "c") differ.</summary>
    public static Guid Create(params ReadOnlySpan<string> parts)
    {
        var builder = new StringBuilder();
        foreach (var part in parts)
        {
            builder.Append(part.Length).Append(':').Append(part).Append('|');
        }
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString()), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(bytes, bigEndian: true);
    }
}
