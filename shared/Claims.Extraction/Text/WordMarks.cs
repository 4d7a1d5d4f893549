using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Claims.Extraction.Text;

/// <summary>
/// Where the words, numbers and possible sentence ends of a text are, one bit per character (bit <c>i % 64</c> of element
/// <c>i / 64</c>): the first letter of every word, every character of a word, and every digit
/// outside a word. A word starts at a letter outside a word and runs while characters continue a
/// word (<see cref="CharClass.ContinuesWord"/>), digits included ("COP29"); digits before any letter
/// are a number ("5млрд" is the number 5 and the word "млрд"), as the <see cref="Tokenizer"/> reads
/// them. Built from whole blocks of 64 characters with bit arithmetic, so the article scan visits
/// words by counting bits rather than testing, and mispredicting, every character. The arrays are
/// rented; <see cref="Dispose"/> returns them.
/// </summary>
internal sealed class WordMarks : IDisposable
{
    private WordMarks(ulong[] starts, ulong[] inWord, ulong[] numbers, ulong[] stops)
    {
        Starts = starts;
        InWord = inWord;
        Numbers = numbers;
        Stops = stops;
    }

    /// <summary>The first letter of every word.</summary>
    public ulong[] Starts { get; }

    /// <summary>Every character of a word.</summary>
    public ulong[] InWord { get; }

    /// <summary>Every ASCII digit outside a word: each run of them is a number.</summary>
    public ulong[] Numbers { get; }

    /// <summary>Every character where a sentence may end (<see cref="CharClass.IsStop"/>).</summary>
    public ulong[] Stops { get; }

    public static WordMarks Of(string text)
    {
        var blocks = (text.Length >> 6) + 1;
        var pool = ArrayPool<ulong>.Shared;
        var marks = new WordMarks(pool.Rent(blocks), pool.Rent(blocks), pool.Rent(blocks), pool.Rent(blocks));

        // The last character of the block before, as bit 0: whether it continued a word, was among
        // the characters before a run's first letter, or was in a word.
        ulong continuedBefore = 0;
        ulong prefixBefore = 0;
        ulong inWordBefore = 0;
        for (var block = 0; block < blocks; block++)
        {
            var from = block << 6;
            var (letters, continues, digits, stops) = CharClass.MarkBlock(text.AsSpan(from, Math.Min(64, text.Length - from)));

            // A run of characters that continue words is a word from its first letter on; what comes
            // before that letter (digits, marks) is not. Adding the lowest bit of that stretch to the
            // run's non-letters carries through the stretch and stops at the letter, clearing it.
            var nonLetters = continues & ~letters;
            var runStarts = continues & ~((continues << 1) | continuedBefore);
            var prefix = nonLetters & ~(nonLetters + ((runStarts | prefixBefore) & nonLetters));
            var inWord = continues & ~prefix;
            marks.Starts[block] = inWord & ~((inWord << 1) | inWordBefore);
            marks.InWord[block] = inWord;
            marks.Numbers[block] = digits & ~inWord;
            marks.Stops[block] = stops;
            continuedBefore = continues >> 63;
            prefixBefore = prefix >> 63;
            inWordBefore = inWord >> 63;
        }

        return marks;
    }

    /// <summary>The first position from <paramref name="from"/> whose bit is set, or <paramref name="limit"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int NextSet(ulong[] bits, int from, int limit) => Next(bits, from, limit, flip: 0);

    /// <summary>The first position from <paramref name="from"/> whose bit is clear, or <paramref name="limit"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int NextClear(ulong[] bits, int from, int limit) => Next(bits, from, limit, flip: ulong.MaxValue);

    public static bool IsSet(ulong[] bits, int position) => (bits[position >> 6] & (1UL << position)) != 0;

    public void Dispose()
    {
        ArrayPool<ulong>.Shared.Return(Starts);
        ArrayPool<ulong>.Shared.Return(InWord);
        ArrayPool<ulong>.Shared.Return(Numbers);
        ArrayPool<ulong>.Shared.Return(Stops);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Next(ulong[] bits, int from, int limit, ulong flip)
    {
        if (from >= limit)
        {
            return limit;
        }

        var block = from >> 6;
        var pending = (bits[block] ^ flip) & (ulong.MaxValue << from);
        while (pending == 0)
        {
            block++;
            if (block << 6 >= limit)
            {
                return limit;
            }

            pending = bits[block] ^ flip;
        }

        return Math.Min(limit, (block << 6) + BitOperations.TrailingZeroCount(pending));
    }
}
