using System.Text;

namespace Claims.EndToEnd.Tests;

/// <summary>One server-sent event as it came over the wire.</summary>
public sealed record StreamEvent(string? Id, string? Type, string Data);

/// <summary>
/// Reads a text/event-stream response line by line, the raw way: events (id, event, data fields up to a blank line)
/// and comment lines, so a test sees exactly what a client would.
/// </summary>
public sealed class EventStreamReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);

    public List<string> Comments { get; } = [];

    /// <summary>The next event, or null when <paramref name="ct"/> fires or the stream ends first.</summary>
    public async Task<StreamEvent?> NextAsync(CancellationToken ct)
    {
        string? id = null, type = null;
        var data = new StringBuilder();
        var hasField = false;
        try
        {
            while (await _reader.ReadLineAsync(ct) is { } line)
            {
                if (line.Length == 0)
                {
                    if (data.Length > 0)
                    {
                        return new StreamEvent(id, type, data.ToString());
                    }
                    (id, type, hasField) = (null, null, false);
                    continue;
                }
                if (line.StartsWith(':'))
                {
                    Comments.Add(line[1..].Trim());
                    continue;
                }
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                var field = colon < 0 ? line : line[..colon];
                var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
                hasField = true;
                switch (field)
                {
                    case "id": id = value; break;
                    case "event": type = value; break;
                    case "data": data.Append(data.Length > 0 ? "\n" : "").Append(value); break;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return null;
        }
        return hasField && data.Length > 0 ? new StreamEvent(id, type, data.ToString()) : null;
    }

    /// <summary>
    /// Waits until a comment line arrives and reads the rest of its block; returns the <c>id:</c> that came with it
    /// ("" when none did), or null when <paramref name="ct"/> fires or the stream ends first.
    /// </summary>
    public async Task<string?> CommentAsync(CancellationToken ct)
    {
        var seen = Comments.Count;
        string? id = null;
        try
        {
            while (await _reader.ReadLineAsync(ct) is { } line)
            {
                if (line.StartsWith(':'))
                {
                    Comments.Add(line[1..].Trim());
                }
                else if (line.StartsWith("id:", StringComparison.Ordinal))
                {
                    id = line["id:".Length..].TrimStart(' ');
                }
                else if (line.Length == 0 && Comments.Count > seen)
                {
                    return id ?? "";
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        return null;
    }

    public void Dispose() => _reader.Dispose();
}
