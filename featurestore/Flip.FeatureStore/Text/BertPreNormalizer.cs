using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Flip.FeatureStore.Text;

/// <summary>
/// Uncased BERT's text cleaning done before ML.Tokenizers sees the text, because its own normalizer differs from
/// BERT's (the reference is Google's and Hugging Face's BasicTokenizer) in ways that change tokens here:
/// <list type="bullet">
/// <item>clean_text: every "C*" character (control, format such as a soft hyphen, private use, unassigned) is dropped
/// and whitespace (tab, newline, Zs) becomes a space; ML.Tokenizers keeps a soft hyphen inside a word (so the word
/// becomes [UNK]) and deletes tab/newline instead of splitting on them;</item>
/// <item>CJK ideographs are set apart by spaces over BERT's exact ranges (ML.Tokenizers misses U+3400);</item>
/// <item>accents are stripped (Unicode NFD, then drop Mn marks) without ICU: the repo runs with InvariantGlobalization,
/// where <see cref="string.Normalize()"/> is a no-op and "Amélie" would become [UNK]. The decompositions come from a
/// table generated from Python's unicodedata, the data Hugging Face's Python tokenizer uses.</item>
/// </list>
/// Lower-casing is left to ML.Tokenizers (it lower-cases the same way).
/// </summary>
internal static partial class BertPreNormalizer
{
    private static readonly FrozenDictionary<int, string> ByCodePoint = CreateTable().ToFrozenDictionary(e => e.CodePoint, e => e.Stripped);

    // Hangul syllables decompose algorithmically into jamo (Unicode ch. 3.12), as NFD does.
    private const int HangulBase = 0xAC00, HangulCount = 11172, LeadBase = 0x1100, VowelBase = 0x1161, TrailBase = 0x11A7;
    private const int VowelCount = 21, TrailCount = 28, PerLead = VowelCount * TrailCount;

    public static string Normalize(string text)
    {
        int ascii = 0;
        while (ascii < text.Length && text[ascii] is >= ' ' and < '\x7F') ascii++;
        if (ascii == text.Length) return text;

        var sb = new StringBuilder(text.Length + 8);
        sb.Append(text, 0, ascii);
        Span<char> utf16 = stackalloc char[2];
        foreach (var rune in text.AsSpan(ascii).EnumerateRunes())
        {
            int cp = rune.Value;
            var category = Rune.GetUnicodeCategory(rune);
            if (cp is '\t' or '\n' or '\r' || category == UnicodeCategory.SpaceSeparator)
            {
                sb.Append(' ');
                continue;
            }
            // "C*" categories, plus U+FFFD (what a lone surrogate reads as), and the Mn marks NFD would expose.
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.PrivateUse
                    or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate or UnicodeCategory.NonSpacingMark
                || cp == 0xFFFD)
            {
                continue;
            }
            bool cjk = IsCjkIdeograph(cp);
            if (cjk) sb.Append(' ');
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
            if (cjk) sb.Append(' ');
        }
        return sb.ToString();
    }

    /// <summary>BERT's _is_chinese_char ranges (CJK Unified Ideographs and extensions A-E, compatibility ideographs).</summary>
    private static bool IsCjkIdeograph(int cp) =>
        cp is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
            or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}
