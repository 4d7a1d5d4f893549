using System.Text;
using System.Text.Json;
using Claims.SeedLoader;

namespace Claims.EndToEnd.Tests;

/// <summary>
/// Random but reproducible mutations of the seed articles, as request bodies: the kinds of damage real traffic does
/// (cut-off texts, flipped bytes, numbers pasted twice, look-alike letters from other scripts, stray markup) mixed
/// with intact articles, so that both the validation and the extractor and the store are exercised.
/// </summary>
public sealed class ArticleFuzzer(IReadOnlyList<Seed> seeds, int randomSeed)
{
    private static readonly string[] s_noise = ["\u200F", "\u0301", "😀", "\uFEFF", "\t\t", "\r\n\r\n", "…", "—", "№", "%%", "$", "€", "\u00A0", "½"];
    private static readonly string[] s_markup = ["<script>alert(1)</script>", "<b>", "</p><p>", "<!--", "<img src=x onerror=alert(1)>", "&nbsp;", "&#x41;", "]]>"];
    private static readonly string[] s_languages = ["ru", "kk", "en"];
    private readonly Random _random = new(randomSeed);

    public byte[] Next(int index)
    {
        var seed = seeds[_random.Next(seeds.Count)];
        var text = seed.Text;
        string? language = _random.Next(4) == 0 ? s_languages[_random.Next(s_languages.Length)] : seed.Language;
        var kind = index % 10;
        text = kind switch
        {
            0 => ChangeNumbers(text),
            1 => text[.._random.Next(text.Length)],
            2 => text, // byte flips below
            3 => RepeatNumbers(text),
            4 => SwapScripts(text),
            5 => Insert(text, s_markup),
            6 => Insert(Insert(Insert(text, s_noise), s_noise), s_noise),
            7 => string.Join(". ", text.Split(". ").OrderBy(_ => _random.Next())),
            8 => string.Concat(Enumerable.Repeat(text, 1 + _random.Next(20))),
            _ => ChangeNumbers(Insert(text, s_noise)),
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            source = _random.Next(50) == 0 ? "" : seed.Source,
            language,
            publishedAt = _random.Next(30) == 0 ? "2025-02-30" : seed.PublishedAt,
            text,
        });
        // Oversized bodies have their own test: here every body stays under the limit.
        if (body.Length > 1_900_000)
        {
            return Next(index);
        }
        if (kind == 2)
        {
            for (var flips = 1 + _random.Next(8); flips > 0; flips--)
            {
                body[_random.Next(body.Length)] ^= (byte)(1 << _random.Next(8));
            }
        }
        return body;
    }

    private string ChangeNumbers(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsAsciiDigit(c) && _random.Next(3) == 0 ? (char)('0' + _random.Next(10)) : c);
        }
        return builder.ToString();
    }

    private string RepeatNumbers(string text)
    {
        var builder = new StringBuilder(text.Length * 2);
        for (var i = 0; i < text.Length; i++)
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            if (i > start)
            {
                var digits = text[start..i];
                builder.Append(_random.Next(4) == 0 ? string.Concat(Enumerable.Repeat(digits, 2 + _random.Next(200))) : digits);
                if (i >= text.Length)
                {
                    break;
                }
            }
            builder.Append(text[i]);
        }
        return builder.ToString();
    }

    /// <summary>Cyrillic letters for Latin look-alikes and back, and now and then whole words in Greek or CJK.</summary>
    private string SwapScripts(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                'а' => 'a', 'е' => 'e', 'о' => 'o', 'р' => 'p', 'с' => 'c', 'х' => 'x',
                'a' => 'а', 'e' => 'е', 'o' => 'о',
                _ when char.IsLetter(c) && _random.Next(40) == 0 => (char)(_random.Next(2) == 0 ? 'α' + _random.Next(24) : 0x4E00 + _random.Next(2000)),
                _ => c,
            });
        }
        return builder.ToString();
    }

    private string Insert(string text, string[] pieces)
    {
        var builder = new StringBuilder(text);
        for (var n = 1 + _random.Next(10); n > 0; n--)
        {
            builder.Insert(_random.Next(builder.Length + 1), pieces[_random.Next(pieces.Length)]);
        }
        return builder.ToString();
    }
}
