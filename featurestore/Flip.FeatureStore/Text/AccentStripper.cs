using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Flip.FeatureStore.Text;

/// <summary>
/// Strips accents exactly as uncased BERT does (Unicode NFD, then drop non-spacing marks), without ICU: the repo runs
/// with InvariantGlobalization, where <see cref="string.Normalize()"/> is a no-op and "Amélie" would become [UNK].
/// The decompositions come from a table generated from Python's unicodedata (the source Hugging Face uses).
/// </summary>
internal static partial class AccentStripper
{
    private static readonly FrozenDictionary<int, string> ByCodePoint = CreateTable().ToFrozenDictionary(e => e.CodePoint, e => e.Stripped);

    // Hangul syllables decompose algorithmically into jamo (Unicode ch. 3.12), as NFD does.
    private const int HangulBase = 0xAC00, HangulCount = 11172, LeadBase = 0x1100, VowelBase = 0x1161, TrailBase = 0x11A7;
    private const int VowelCount = 21, TrailCount = 28, PerLead = VowelCount * TrailCount;

    public static string Strip(string text)
    {
        int ascii = 0;
        while (ascii < text.Length && text[ascii] < 0x80) ascii++;
        if (ascii == text.Length) return text;

        var sb = new StringBuilder(text.Length);
        sb.Append(text, 0, ascii);
        Span<char> utf16 = stackalloc char[2];
        foreach (var rune in text.AsSpan(ascii).EnumerateRunes())
        {
            int cp = rune.Value;
            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.NonSpacingMark) continue;
            if (ByCodePoint.TryGetValue(cp, out var stripped))
            {
                sb.Append(stripped);
            }
            else if (cp - HangulBase is >= 0 and < HangulCount)
            {
                int s = cp - HangulBase;
                sb.Append((char)(LeadBase + s / PerLead)).Append((char)(VowelBase + s % PerLead / TrailCount));
                if (s % TrailCount != 0) sb.Append((char)(TrailBase + s % TrailCount));
            }
            else
            {
                sb.Append(utf16[..rune.EncodeToUtf16(utf16)]);
            }
        }
        return sb.ToString();
    }
}
