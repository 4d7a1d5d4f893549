using System.Collections.Concurrent;

namespace Claims.EventStore;

/// <summary>
/// Maps stable aliases such as <c>claim.extracted.v1</c> to CLR types and back. The store writes only aliases,
/// so renaming or moving a class never orphans stored events.
/// </summary>
public sealed class EventTypeRegistry
{
    private readonly ConcurrentDictionary<string, Type> _typesByAlias = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, string> _aliasesByType = new();
    private readonly Lock _registering = new();

    /// <summary>Maps <typeparamref name="T"/> to <paramref name="alias"/>.</summary>
    /// <exception cref="ArgumentException">The alias is blank, or either side is already mapped to something else.</exception>
    public EventTypeRegistry Register<T>(string alias) => Register(typeof(T), alias);

    /// <summary>Maps each type of a catalog (alias and type pairs, such as a contracts project publishes) to its alias.</summary>
    public EventTypeRegistry Register(IEnumerable<(string Alias, Type Type)> catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        foreach (var (alias, type) in catalog)
        {
            Register(type, alias);
        }

        return this;
    }

    /// <summary>Maps <paramref name="type"/> to <paramref name="alias"/>.</summary>
    /// <exception cref="ArgumentException">The alias is blank, or either side is already mapped to something else.</exception>
    public EventTypeRegistry Register(Type type, string alias)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (string.IsNullOrWhiteSpace(alias) || alias.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"Event type alias '{alias}' for {type.FullName} must be non-empty and contain no whitespace.", nameof(alias));
        }

        lock (_registering)
        {
            if (_typesByAlias.TryGetValue(alias, out var existingType) && existingType != type)
            {
                throw new ArgumentException($"Event type alias '{alias}' is already registered for {existingType.FullName}; it cannot also name {type.FullName}.", nameof(alias));
            }

            if (_aliasesByType.TryGetValue(type, out var existingAlias) && existingAlias != alias)
            {
                throw new ArgumentException($"Event type {type.FullName} is already registered as '{existingAlias}'; it cannot also be '{alias}'.", nameof(type));
            }

            _typesByAlias[alias] = type;
            _aliasesByType[type] = alias;
        }

        return this;
    }

    /// <summary>The alias stored for events of <paramref name="type"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="type"/> was never registered.</exception>
    public string AliasOf(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return _aliasesByType.TryGetValue(type, out var alias)
            ? alias
            : throw new ArgumentException(
                $"Event type {type.FullName} is not registered with the event store. Register it with EventTypeRegistry.Register<{type.Name}>(\"<stable alias such as claim.extracted.v1>\").",
                nameof(type));
    }

    /// <summary>The CLR type registered for <paramref name="alias"/>, or <see langword="null"/> when none is.</summary>
    public Type? TypeOf(string alias) => _typesByAlias.GetValueOrDefault(alias);
}
