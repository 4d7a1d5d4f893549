using Npgsql;
using Xunit.Abstractions;

namespace Claims.EventStore.Tests;

public sealed class ProjectionRunnerTests(PostgresDatabase db, ITestOutputHelper output) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task A_projection_whose_connection_dies_in_the_middle_of_a_batch_resumes_with_nothing_applied_twice()
    {
        var store = await CreateStoreWithReadModelAsync();
        var appended = await AppendNotesAsync(store, "claim-1", 50);
        var killed = 0;
        var projection = new RecordingProjection(store.Options.Schema)
        {
            AfterWrite = async (batch, ct) =>
            {
                if (batch.Events.Any(e => ((Noted)e.Data!).Number == 25) && Interlocked.Exchange(ref killed, 1) == 0)
                {
                    // The batch's rows are written; now its backend dies as if the process had crashed.
                    await using var admin = await db.DataSource.OpenConnectionAsync(ct);
                    await using var kill = new NpgsqlCommand($"SELECT pg_terminate_backend({batch.Connection.ProcessID})", admin);
                    await kill.ExecuteNonQueryAsync(ct);
                    await using var next = new NpgsqlCommand("SELECT 1", batch.Connection, batch.Transaction);
                    await next.ExecuteNonQueryAsync(ct);
                }
            },
        };
        var runner = CreateRunner(store, projection, Fast(batchSize: 10));

        await using (await StartAsync(runner))
        {
            await runner.WaitForCatchUpAsync(Eventually.Timeout());
        }

        Assert.Equal(1, killed);
        var rows = await RecordingProjection.ReadModelAsync(store);
        Assert.Equal(Enumerable.Range(1, 50), rows.Select(r => r.Number));
        Assert.All(rows, r => Assert.Equal(1, r.Applied));
        Assert.Equal(appended[^1].Position, await store.ReadCheckpointAsync(projection.Name));
        Assert.Empty(await store.ReadDeadLettersAsync());
    }

    [Fact]
    public async Task A_projection_stopped_in_the_middle_of_a_batch_resumes_in_a_new_runner_with_nothing_applied_twice()
    {
        var store = await CreateStoreWithReadModelAsync();
        var appended = await AppendNotesAsync(store, "claim-1", 50);
        var inside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = new RecordingProjection(store.Options.Schema)
        {
            AfterWrite = async (batch, ct) =>
            {
                if (batch.Events.Any(e => ((Noted)e.Data!).Number == 25))
                {
                    // The rows are written; the process now hangs here until the host stops it.
                    inside.TrySetResult();
                    await new TaskCompletionSource().Task.WaitAsync(ct);
                }
            },
        };
        var dying = CreateRunner(store, first, Fast(batchSize: 10));
        await using (await StartAsync(dying))
        {
            await inside.Task.WaitAsync(Eventually.Timeout());
        }

        var checkpointAtStop = await store.ReadCheckpointAsync(first.Name);
        Assert.Equal(appended[19].Position, checkpointAtStop);
        Assert.Equal(20, (await RecordingProjection.ReadModelAsync(store)).Count);

        var successor = CreateRunner(store, new RecordingProjection(store.Options.Schema), Fast(batchSize: 10));
        await using (await StartAsync(successor))
        {
            await successor.WaitForCatchUpAsync(Eventually.Timeout());
        }

        var rows = await RecordingProjection.ReadModelAsync(store);
        Assert.Equal(Enumerable.Range(1, 50), rows.Select(r => r.Number));
        Assert.All(rows, r => Assert.Equal(1, r.Applied));
    }

    [Fact]
    public async Task Two_runners_of_one_projection_never_both_process_and_the_standby_takes_over()
    {
        var store = await CreateStoreWithReadModelAsync();
        var probe = new ConcurrencyProbe();
        var projections = new[] { new RecordingProjection(store.Options.Schema, probe: probe), new RecordingProjection(store.Options.Schema, probe: probe) };
        var runners = projections.Select(p => CreateRunner(store, p, Fast(batchSize: 10))).ToArray();
        var bothActive = false;
        using var watching = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                bothActive |= runners[0].IsActive && runners[1].IsActive;
                await Task.Delay(5);
            }
        });

        var started = new[] { await StartAsync(runners[0]), await StartAsync(runners[1]) };
        try
        {
            await Eventually.HoldsAsync(() => runners.Any(r => r.IsActive), "one runner is active");
            for (var stream = 1; stream <= 10; stream++)
            {
                await AppendNotesAsync(store, $"claim-{stream}", 10);
            }

            var active = runners.Single(r => r.IsActive);
            var standbyIndex = runners[0] == active ? 1 : 0;
            await active.WaitForCatchUpAsync(Eventually.Timeout());
            Assert.Equal(0, projections[standbyIndex].Batches);
            Assert.True(projections[1 - standbyIndex].Batches >= 10);

            await started[1 - standbyIndex].DisposeAsync();
            var standby = runners[standbyIndex];
            await Eventually.HoldsAsync(() => standby.IsActive, "the standby takes over");
            for (var stream = 11; stream <= 15; stream++)
            {
                await AppendNotesAsync(store, $"claim-{stream}", 10);
            }

            await standby.WaitForCatchUpAsync(Eventually.Timeout());
            Assert.True(projections[standbyIndex].Batches > 0);
        }
        finally
        {
            await watching.CancelAsync();
            await watcher;
            foreach (var running in started)
            {
                await running.DisposeAsync();
            }
        }

        Assert.False(bothActive, "Both runners were active at once.");
        Assert.Equal(1, probe.Max);
        var rows = await RecordingProjection.ReadModelAsync(store);
        Assert.Equal(150, rows.Count);
        Assert.All(rows, r => Assert.Equal(1, r.Applied));
    }

    [Fact]
    public async Task A_runner_whose_lock_connection_breaks_stops_and_takes_the_lock_again()
    {
        var store = await CreateStoreWithReadModelAsync();
        await AppendNotesAsync(store, "claim-1", 10);
        var projection = new RecordingProjection(store.Options.Schema);
        var runner = CreateRunner(store, projection, Fast());
        await using (await StartAsync(runner))
        {
            await runner.WaitForCatchUpAsync(Eventually.Timeout());
            var holder = await LockHolderAsync(store, projection.Name);
            Assert.NotNull(holder);

            await using (var kill = db.DataSource.CreateCommand($"SELECT pg_terminate_backend({holder})"))
            {
                await kill.ExecuteNonQueryAsync();
            }

            await Eventually.HoldsAsync(async () => await LockHolderAsync(store, projection.Name) is { } pid && pid != holder, "the runner holds the lock on a new connection");
            await AppendNotesAsync(store, "claim-1", 10, author: "b");
            await runner.WaitForCatchUpAsync(Eventually.Timeout());
            Assert.True(runner.IsActive);
        }

        var rows = await RecordingProjection.ReadModelAsync(store);
        Assert.Equal(20, rows.Count);
        Assert.All(rows, r => Assert.Equal(1, r.Applied));
    }

    [Fact]
    public async Task A_projection_that_throws_on_one_event_records_a_dead_letter_and_goes_on()
    {
        var store = await CreateStoreWithReadModelAsync();
        var appended = new List<StoredEvent>();
        for (var n = 1; n <= 20; n++)
        {
            await using var session = store.OpenSession();
            session.Append($"claim-{n % 3}", ExpectedVersion.Any, NewEvent.Create(new Noted("a", n)), NewEvent.Create(new Remarked($"after {n}")));
            appended.AddRange(await session.SaveChangesAsync());
        }

        var attempts = 0;
        var projection = new RecordingProjection(store.Options.Schema)
        {
            BeforeEach = noted =>
            {
                if (noted.Number == 7)
                {
                    Interlocked.Increment(ref attempts);
                    throw new InvalidOperationException("Number 7 cannot be projected.");
                }
            },
        };
        var runner = CreateRunner(store, projection, Fast());

        await using (await StartAsync(runner))
        {
            await runner.WaitForCatchUpAsync(Eventually.Timeout());
        }

        var deadLetter = Assert.Single(await store.ReadDeadLettersAsync(projection.Name));
        var seventh = appended.Single(e => e.Data is Noted { Number: 7 });
        Assert.Equal((seventh.Seq, seventh.Id, seventh.StreamId, TestEvents.NotedType, 3), (deadLetter.Seq, deadLetter.EventId, deadLetter.StreamId, deadLetter.Type, deadLetter.Attempts));
        Assert.Contains("Number 7 cannot be projected.", deadLetter.Error, StringComparison.Ordinal);
        Assert.Equal(1 + 3, attempts);

        var rows = await RecordingProjection.ReadModelAsync(store);
        Assert.Equal(Enumerable.Range(1, 20).Where(n => n != 7), rows.Select(r => r.Number));
        Assert.All(rows, r => Assert.Equal(1, r.Applied));

        // The checkpoint moved past the last event, a type the projection does not handle.
        Assert.Equal(appended[^1].Position, await store.ReadCheckpointAsync(projection.Name));
    }

    [Fact]
    public async Task A_projection_whose_dependency_is_unavailable_retries_later_and_dead_letters_nothing()
    {
        var store = await CreateStoreWithReadModelAsync();
        await AppendNotesAsync(store, "claim-unavailable", 5);
        var failuresLeft = 3;
        var projection = new RecordingProjection(store.Options.Schema)
        {
            BeforeEach = _ =>
            {
                if (Interlocked.Decrement(ref failuresLeft) >= 0)
                {
                    throw new ProjectionUnavailableException("The broker is down.");
                }
            },
        };
        var runner = CreateRunner(store, projection, Fast());

        await using (await StartAsync(runner))
        {
            await runner.WaitForCatchUpAsync(Eventually.Timeout());
        }

        Assert.Empty(await store.ReadDeadLettersAsync(projection.Name));
        var rows = await RecordingProjection.ReadModelAsync(store);
        Assert.Equal([1, 2, 3, 4, 5], rows.Select(r => r.Number));
        Assert.All(rows, r => Assert.Equal(1, r.Applied));
    }

    [Fact]
    public async Task Rebuild_replays_everything_into_a_cleared_read_model_with_the_same_result()
    {
        var store = await CreateStoreWithReadModelAsync();
        for (var stream = 1; stream <= 3; stream++)
        {
            await AppendNotesAsync(store, $"claim-{stream}", 10, author: $"author-{stream}");
        }

        var resets = 0;
        var projection = new RecordingProjection(store.Options.Schema) { OnReset = () => Interlocked.Increment(ref resets) };
        var runner = CreateRunner(store, projection, Fast(batchSize: 7));
        await using (await StartAsync(runner))
        {
            await runner.WaitForCatchUpAsync(Eventually.Timeout());
            var built = await RecordingProjection.ReadModelAsync(store);
            var checkpoint = runner.Checkpoint;
            await using (var damage = store.DataSource.CreateCommand($"UPDATE {store.Options.Schema}.read_model SET number = -number WHERE author = 'author-2'"))
            {
                await damage.ExecuteNonQueryAsync();
            }

            await runner.RebuildAsync(Eventually.Timeout());

            Assert.Equal(1, resets);
            Assert.Equal(30, built.Count);
            Assert.Equal(built, await RecordingProjection.ReadModelAsync(store));
            Assert.Equal(checkpoint, runner.Checkpoint);
            Assert.Equal(checkpoint, await store.ReadCheckpointAsync(projection.Name));
        }
    }

    [Fact]
    public async Task A_rebuild_follows_the_live_projection_and_takes_its_read_model_over_at_one_position_losing_and_repeating_nothing()
    {
        var store = await CreateStoreWithReadModelAsync();
        await RecordingProjection.CreateReadModelAsync(store, "read_model_next");
        await AppendNotesAsync(store, "claim-1", 30, author: "before");
        var live = CreateRunner(store, new RecordingProjection(store.Options.Schema), Fast(batchSize: 7));
        var rebuildOptions = Fast(batchSize: 5);
        rebuildOptions.Follows = "recording";
        var rebuild = CreateRunner(store, new RecordingProjection(store.Options.Schema, "recording@rebuild", table: "read_model_next"), rebuildOptions);

        await using (await StartAsync(live))
        {
            await live.WaitForCatchUpAsync(Eventually.Timeout());
        }

        // The live projection is stopped: what is appended now is past its checkpoint, so the rebuild must not read it.
        await AppendNotesAsync(store, "claim-2", 10, author: "while-stopped");
        var stoppedAt = await store.ReadCheckpointAsync("recording");
        await using (await StartAsync(rebuild))
        {
            await rebuild.WaitForCheckpointAsync(stoppedAt!.Value, Eventually.Timeout());
            // It reads on, and still stops there.
            var reads = rebuild.LogReads;
            await Eventually.HoldsAsync(() => rebuild.LogReads >= reads + 2, "the rebuild read the log twice more");
            Assert.Equal(stoppedAt, rebuild.Checkpoint);
            Assert.Equal(30, (await ReadTableAsync(store, "read_model_next")).Count);

            // Live again, with appends racing the handover.
            await using (await StartAsync(live))
            {
                var appending = Task.Run(async () =>
                {
                    for (var i = 0; i < 20; i++)
                    {
                        await AppendNotesAsync(store, $"claim-race-{i}", 2, author: "during");
                    }
                });
                var at = await ProjectionHandover.HandOverAsync(store, "recording", rebuild, async (connection, transaction, ct) =>
                {
                    await using var swap = new NpgsqlCommand(
                        $"DROP TABLE {store.Options.Schema}.read_model; ALTER TABLE {store.Options.Schema}.read_model_next RENAME TO read_model",
                        connection, transaction);
                    await swap.ExecuteNonQueryAsync(ct);
                }, Eventually.Timeout());
                await appending;
                await live.WaitForCatchUpAsync(Eventually.Timeout());

                Assert.True(at >= stoppedAt);
                Assert.False(rebuild.IsActive);
                Assert.Null(await store.ReadCheckpointAsync("recording@rebuild"));
            }
        }

        // Every event once, in the one table that is left: rebuilt up to the handover, live after it.
        var rows = await RecordingProjection.ReadModelAsync(store);
        Assert.Equal(30 + 10 + 40, rows.Count);
        Assert.All(rows, row => Assert.Equal(1, row.Applied));
        Assert.Equal(await store.ReadLastCommittedPositionAsync(CancellationToken.None), await store.ReadCheckpointAsync("recording"));
    }

    [Fact]
    public async Task Runners_of_two_stream_partitions_apply_every_event_once_between_them()
    {
        var store = await CreateStoreWithReadModelAsync();
        for (var stream = 1; stream <= 12; stream++)
        {
            await AppendNotesAsync(store, $"claim-{stream}", 5, author: $"author-{stream}");
        }

        var probe = new ConcurrencyProbe();
        var partitions = Enumerable.Range(0, 2).Select(index =>
        {
            var options = Fast(batchSize: 7);
            options.Partition = new StreamPartition(index, 2);
            return (Projection: new RecordingProjection(store.Options.Schema, $"recording.{index}", probe), Options: options);
        }).ToList();
        var runners = partitions.Select(p => CreateRunner(store, p.Projection, p.Options)).ToList();
        await using (await StartAsync(runners[0]))
        await using (await StartAsync(runners[1]))
        {
            await Task.WhenAll(runners.Select(runner => runner.WaitForCatchUpAsync(Eventually.Timeout())));
        }

        var rows = await RecordingProjection.ReadModelAsync(store);
        Assert.Equal(60, rows.Count);
        Assert.All(rows, row => Assert.Equal(1, row.Applied));
        // Each stream went to one partition, and both partitions had streams.
        Assert.All(partitions, p => Assert.True(p.Projection.Batches > 0));
    }

    [Fact]
    public async Task A_projection_of_some_types_is_given_only_those_and_moves_its_checkpoint_past_the_others()
    {
        var store = await CreateStoreWithReadModelAsync();
        for (var n = 1; n <= 10; n++)
        {
            await using var session = store.OpenSession();
            session.Append($"claim-{n % 3}", ExpectedVersion.Any,
                [.. Enumerable.Range(1, 4).Select(r => NewEvent.Create(new Remarked($"{n}.{r}"))), NewEvent.Create(new Noted("a", n))]);
            await session.SaveChangesAsync();
        }

        // The log ends with events of other types only: the checkpoint must still reach its end.
        await using (var session = store.OpenSession())
        {
            session.Append("claim-tail", ExpectedVersion.Any, [.. Enumerable.Range(1, 20).Select(r => NewEvent.Create(new Remarked($"tail {r}")))]);
            await session.SaveChangesAsync();
        }

        // RecordingProjection casts every event it is given to Noted: one of another type would fail its batch.
        var projection = new RecordingProjection(store.Options.Schema);
        var runner = CreateRunner(store, projection, Fast(batchSize: 3));
        await using (await StartAsync(runner))
        {
            await runner.WaitForCatchUpAsync(Eventually.Timeout());
        }

        var rows = await RecordingProjection.ReadModelAsync(store);
        Assert.Equal(Enumerable.Range(1, 10), rows.Select(row => row.Number));
        Assert.All(rows, row => Assert.Equal(1, row.Applied));
        Assert.Empty(await store.ReadDeadLettersAsync());
        // Ten events in pages of three: four batches of notes, none of remarks alone.
        Assert.Equal(4, projection.Batches);
        Assert.Equal(await store.ReadLastCommittedPositionAsync(CancellationToken.None), await store.ReadCheckpointAsync(projection.Name));
    }

    [Fact]
    public async Task A_projection_of_rare_types_steps_through_long_runs_of_others_a_window_at_a_time_and_misses_none()
    {
        var store = await CreateStoreWithReadModelAsync();
        await AppendNotesAsync(store, "notes-1", 3);
        for (var chunk = 0; chunk < 9; chunk++)
        {
            await using var session = store.OpenSession();
            session.Append($"remarks-{chunk}", ExpectedVersion.Any, [.. Enumerable.Range(1, 1_000).Select(r => NewEvent.Create(new Remarked($"{chunk}.{r}")))]);
            await session.SaveChangesAsync();
        }

        await AppendNotesAsync(store, "notes-2", 2, author: "b");

        // A read steps through at most 4,000 positions: the 9,005 positions take at least three reads (a fourth, empty
        // one happens when the runner looks again before it has seen the end; the test must not count on it).
        var projection = new RecordingProjection(store.Options.Schema);
        var runner = CreateRunner(store, projection, Fast(batchSize: 10));
        await using (await StartAsync(runner))
        {
            await runner.WaitForCatchUpAsync(Eventually.Timeout());
        }

        var rows = await RecordingProjection.ReadModelAsync(store);
        Assert.Equal([("a", 1), ("a", 2), ("a", 3), ("b", 1), ("b", 2)], rows.Select(row => (row.Author, row.Number)));
        Assert.All(rows, row => Assert.Equal(1, row.Applied));
        Assert.True(runner.LogReads >= 3, $"{runner.LogReads} reads");
        Assert.Equal(await store.ReadLastCommittedPositionAsync(CancellationToken.None), await store.ReadCheckpointAsync(projection.Name));
    }

    [Fact]
    public async Task A_projection_given_some_types_without_data_gets_their_stream_and_version_and_the_others_in_full()
    {
        var store = await db.CreateStoreAsync();
        await using (var session = store.OpenSession())
        {
            session.Append("claim-1", ExpectedVersion.Any, [NewEvent.Create(new Noted("a", 1)), NewEvent.Create(new Remarked("r1")), NewEvent.Create(new Noted("a", 2))]);
            await session.SaveChangesAsync();
        }

        var projection = new CollectingProjection
        {
            EventTypes = new HashSet<string> { TestEvents.NotedType, TestEvents.RemarkedType },
            EventTypesWithoutData = new HashSet<string> { TestEvents.RemarkedType },
        };
        var runner = CreateRunner(store, projection, Fast());
        await using (await StartAsync(runner))
        {
            await runner.WaitForCatchUpAsync(Eventually.Timeout());
        }

        Assert.Equal(
            [(TestEvents.NotedType, 1L, (object?)new Noted("a", 1)), (TestEvents.RemarkedType, 2L, null), (TestEvents.NotedType, 3L, new Noted("a", 2))],
            projection.Events.Select(e => (e.Type, e.Version, e.Data)));
        Assert.All(projection.Events, e => Assert.Equal("claim-1", e.StreamId));
        Assert.Empty(await store.ReadDeadLettersAsync());
    }

    /// <summary>Keeps what it is given, in memory.</summary>
    private sealed class CollectingProjection : IProjection
    {
        private readonly List<StoredEvent> _events = [];

        public string Name => "collecting";

        public required IReadOnlySet<string>? EventTypes { get; init; }

        public IReadOnlySet<string>? EventTypesWithoutData { get; init; }

        public IReadOnlyList<StoredEvent> Events
        {
            get
            {
                lock (_events)
                {
                    return [.. _events];
                }
            }
        }

        public Task ApplyAsync(ProjectionBatch batch, CancellationToken ct)
        {
            lock (_events)
            {
                _events.AddRange(batch.Events);
            }

            return Task.CompletedTask;
        }

        public Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct) => Task.CompletedTask;
    }

    private static async Task<List<Guid>> ReadTableAsync(EventStore store, string table)
    {
        await using var command = store.DataSource.CreateCommand($"SELECT event_id FROM {store.Options.Schema}.{table}");
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<Guid>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    [Fact]
    public async Task A_projection_held_back_by_an_open_transaction_reads_on_soon_after_it_ends_though_that_transaction_notifies_nobody()
    {
        var store = await CreateStoreWithReadModelAsync();
        var projection = new RecordingProjection(store.Options.Schema);
        // Idle polling every minute: only the held-back polling can catch up in time. That polling backs off while the
        // log stays held back, up to the busy interval; an open transaction that may append holds it back (another
        // test's, once, before readers waited only for appenders), so a busy interval of a minute let the wait outgrow the test (a CI run timed out).
        var options = Fast();
        options.BusyPollInterval = TimeSpan.FromSeconds(2);
        options.IdlePollInterval = TimeSpan.FromMinutes(1);
        var runner = CreateRunner(store, projection, options);
        await AppendNotesAsync(store, "claim-1", 1);
        await using (await StartAsync(runner))
        {
            await runner.WaitForCatchUpAsync(Eventually.Timeout());

            // A transaction with an id that may append and ends without: it holds the log's readers back, and its
            // end sends no NOTIFY.
            await using var blocker = await OpenBlockerAsync(store);
            var transaction = blocker.Transaction;
            var held = await AppendNotesAsync(store, "claim-2", 1);
            // The append's notification wakes the runner; its read finds the event committed but held back.
            await Eventually.HoldsAsync(() => runner.IsHeldBack, "the runner found the event held back");
            Assert.Single(await RecordingProjection.ReadModelAsync(store));

            await transaction.CommitAsync();
            // Watching the read model, not WaitForCatchUpAsync: that would wake the runner itself.
            await Eventually.ReturnsAsync(() => RecordingProjection.ReadModelAsync(store), rows => rows.Count == 2, TimeSpan.FromSeconds(15),
                "the event held back to be projected once the transaction holding it back ended");
            Assert.Equal(held[^1].Position, await store.ReadCheckpointAsync(projection.Name));
        }
    }

    [Fact]
    public async Task A_runner_sleeps_through_notifications_of_commits_without_its_types_and_wakes_for_its_own()
    {
        var store = await CreateStoreWithReadModelAsync();
        // Reads notes only; polling every minute, so within the test only a notification wakes it.
        var projection = new RecordingProjection(store.Options.Schema);
        var runner = CreateRunner(store, projection, PollingOnceAMinute());
        await using (await StartAsync(runner))
        {
            await Eventually.HoldsAsync(() => runner.LogReads >= 1, "the runner's first read");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            var readsBefore = runner.LogReads;

            await using (var session = store.OpenSession())
            {
                session.Append("remarks-1", ExpectedVersion.Any, [NewEvent.Create(new Remarked("not a note"))]);
                await session.SaveChangesAsync();
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.Equal(readsBefore, runner.LogReads);

            await AppendNotesAsync(store, "notes-1", 1);
            await Eventually.ReturnsAsync(() => RecordingProjection.ReadModelAsync(store), rows => rows.Count == 1, TimeSpan.FromSeconds(15),
                "the note to be projected on its notification");
        }
    }

    [Fact]
    public async Task A_held_back_runner_reads_on_at_the_commit_that_held_it_back_though_that_commit_holds_none_of_its_types()
    {
        var store = await CreateStoreWithReadModelAsync();
        // Reads notes only. Polling once a minute, and held-back polling that has backed off to seconds by the time the
        // blocker commits: only the blocker's notification, which names remarks alone, can wake it in time.
        var projection = new RecordingProjection(store.Options.Schema);
        var options = PollingOnceAMinute();
        options.HeldBackPollInterval = TimeSpan.FromMilliseconds(100);
        var runner = CreateRunner(store, projection, options);
        await using (await StartAsync(runner))
        {
            await Eventually.HoldsAsync(() => runner.LogReads >= 1, "the runner's first read");

            await using var blocker = await OpenBlockerAsync(store);
            var transaction = blocker.Transaction;
            await AppendNotesAsync(store, "notes-1", 1);
            await Eventually.HoldsAsync(() => runner.IsHeldBack, "the runner found the note held back");
            // Its held-back reads come 0.1, 0.3, 0.7, 1.5, 3.1 and 6.3 s after the first: the commit falls in a long wait.
            await Task.Delay(TimeSpan.FromSeconds(4));

            await using (var session = store.OpenSession())
            {
                session.Append("remarks-1", ExpectedVersion.Any, [NewEvent.Create(new Remarked("the blocker's own"))]);
                await session.SaveChangesAsync(transaction, CancellationToken.None);
            }
            await transaction.CommitAsync();
            store.NotifyCommitted([typeof(Remarked)]);

            await Eventually.ReturnsAsync(() => RecordingProjection.ReadModelAsync(store), rows => rows.Count == 1, TimeSpan.FromSeconds(1),
                "the note to be projected on the blocker's notification");
        }
    }

    /// <summary>The backend holding the projection's session lock: the active runner's lock connection.</summary>
    private async Task<int?> LockHolderAsync(EventStore store, string projection)
    {
        await using var command = db.DataSource.CreateCommand(
            """
            SELECT pid FROM pg_locks, hashtextextended(@key, 0) AS k
            WHERE locktype = 'advisory' AND granted AND objsubid = 1
              AND classid::bigint = (k >> 32) & 4294967295 AND objid::bigint = k & 4294967295
            """);
        command.Parameters.AddWithValue("key", store.Sql.ProjectionLockKey(projection));
        return await command.ExecuteScalarAsync() as int?;
    }

    private async Task<EventStore> CreateStoreWithReadModelAsync()
    {
        var store = await db.CreateStoreAsync();
        await RecordingProjection.CreateReadModelAsync(store);
        return store;
    }

    private static async Task<IReadOnlyList<StoredEvent>> AppendNotesAsync(EventStore store, string streamId, int count, string author = "a")
    {
        await using var session = store.OpenSession();
        session.Append(streamId, ExpectedVersion.Any, TestEvents.Notes(count, author));
        return await session.SaveChangesAsync();
    }

    private ProjectionRunner CreateRunner(EventStore store, IProjection projection, ProjectionOptions options) =>
        new(store, projection, options, new TestOutputLogger<ProjectionRunner>(output));

    private static ProjectionOptions Fast(int batchSize = 500) => new()
    {
        BatchSize = batchSize,
        BusyPollInterval = TimeSpan.FromMilliseconds(50),
        IdlePollInterval = TimeSpan.FromMilliseconds(200),
        LockRetryInterval = TimeSpan.FromMilliseconds(100),
        RetryDelay = TimeSpan.FromMilliseconds(10),
        MaxAttempts = 3,
    };

    /// <summary><see cref="Fast"/>, but busy and idle polls once a minute: within a test, only notifications and held-back polls wake the runner.</summary>
    private static ProjectionOptions PollingOnceAMinute()
    {
        var options = Fast();
        options.BusyPollInterval = TimeSpan.FromMinutes(1);
        options.IdlePollInterval = TimeSpan.FromMinutes(1);
        return options;
    }

    /// <summary>
    /// A transaction with an id that may append: it holds the log's readers back until it ends. Its end sends no
    /// notification unless the test sends one.
    /// </summary>
    private async Task<Blocker> OpenBlockerAsync(EventStore store)
    {
        var connection = await db.DataSource.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await store.PrepareForAppendsAsync(transaction);
        await using (var takeId = new NpgsqlCommand("SELECT pg_current_xact_id()", connection, transaction))
        {
            await takeId.ExecuteScalarAsync();
        }

        return new Blocker(connection, transaction);
    }

    private sealed class Blocker(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public NpgsqlTransaction Transaction { get; } = transaction;

        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    private static async Task<IAsyncDisposable> StartAsync(ProjectionRunner runner)
    {
        await runner.StartAsync(CancellationToken.None);
        return new Stopper(runner);
    }

    private sealed class Stopper(ProjectionRunner runner) : IAsyncDisposable
    {
        private int _stopped;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _stopped, 1) == 0)
            {
                await runner.StopAsync(CancellationToken.None);
                runner.Dispose();
            }
        }
    }
}
