namespace Claims.Extraction.Text;

/// <summary>What a token is made of.</summary>
internal enum TokenKind
{
    /// <summary>Letters, possibly followed by digits (<c>COP29</c>, <c>q1</c>).</summary>
    Word,

    /// <summary>Digits with their thousands separators and decimal part, as written.</summary>
    Number,

    /// <summary>Any other single character: punctuation, currency signs, percent.</summary>
    Symbol,
}

/// <summary>
/// One token of the article with its offsets into the original text. <see cref="Text"/> is the
/// normalised form used for matching (lower case, <c>ё</c> as <c>е</c>, soft hyphens and stress
/// marks removed); offsets always refer to the text as posted. A word also carries where it stopped
/// in the <see cref="WordIndex"/> (<see cref="Node"/>, <see cref="Whole"/>) and the
/// <see cref="Classes"/> of the stems that match it. A struct: the sentences read in full make a
/// token per word, number and sign, and as objects they were the largest share of what extraction allocated.
/// </summary>
internal readonly record struct Token(TokenKind Kind, int Start, int End, string Text, bool SpacedBefore, int Node, bool Whole, WordClass Classes)
{
    public bool IsWord => Kind == TokenKind.Word;

    public bool IsNumber => Kind == TokenKind.Number;

    public bool IsSymbol(char symbol) => Kind == TokenKind.Symbol && Text[0] == symbol;

    public bool IsDash => Kind == TokenKind.Symbol && CharClass.IsDash(Text[0]);

    /// <summary>Sentence-internal punctuation that ends a clause.</summary>
    public bool IsClauseBreak => Kind == TokenKind.Symbol && Text[0] is ',' or ';' or ':' or '.' or '!' or '?' or '…';

    /// <summary>Whether a stem of any of these classes matches the word.</summary>
    public bool Is(WordClass wordClass) => (Classes & wordClass) != 0;
}
