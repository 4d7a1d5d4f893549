using Claims.Testing;

namespace Claims.EventStore.Tests;

/// <summary>Each test takes an event store in a schema of its own inside the class's database, so no test sees another's rows.</summary>
public static class TestStores
{
    /// <summary>An event store in a fresh schema, with its tables created.</summary>
    public static async Task<EventStore> CreateStoreAsync(this PostgresDatabase database, TimeProvider? time = null)
    {
        var store = new EventStore(database.DataSource, TestEvents.Registry(), new EventStoreOptions { Schema = $"s_{Guid.NewGuid():N}"[..20] }, time);
        await store.EnsureSchemaAsync();
        return store;
    }
}
