namespace Claims.EventStore.Tests;

public sealed record Noted(string Author, int Number);

public sealed record Remarked(string Text);

public static class TestEvents
{
    public const string NotedType = "test.noted.v1";
    public const string RemarkedType = "test.remarked.v1";

    public static EventTypeRegistry Registry() =>
        new EventTypeRegistry().Register<Noted>(NotedType).Register<Remarked>(RemarkedType);

    public static NewEvent[] Notes(int count, string author = "test", int first = 1) =>
        [.. Enumerable.Range(first, count).Select(n => NewEvent.Create(new Noted(author, n)))];
}
