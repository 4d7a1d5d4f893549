-- Least-privilege PostgreSQL roles, one per service. Run by the database owner in the Claims database AFTER the
-- schema exists (start each service once with the owner's connection string, see README "Database roles").
-- Idempotent: run it again after an upgrade that added tables. Passwords are not set here (no secret lives in the
-- repository): ALTER ROLE claims_ingestion PASSWORD '...' from your secret store, or use another authentication.
--
--   claims_ingestion       appends to article streams only; runs its relay's checkpoint
--   claims_reconciliation  appends to claim and source streams only (and keeps their snapshots); owns the
--                          reconciliation tables' rows
--   claims_query           reads the log; writes only its read models (schema query)
-- None may create, alter or drop anything, and none may touch another service's tables.

DO $$
DECLARE r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['claims_ingestion', 'claims_reconciliation', 'claims_query'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT', r);
        END IF;
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), r);
        EXECUTE format('REVOKE CREATE ON SCHEMA public FROM %I', r);
    END LOOP;
END $$;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- Everyone: the schema ledger (to start without migrating), the log, and their own projections' checkpoints.
GRANT USAGE ON SCHEMA claims_schema, events TO claims_ingestion, claims_reconciliation, claims_query;
GRANT SELECT ON claims_schema.applied TO claims_ingestion, claims_reconciliation, claims_query;
GRANT SELECT ON events.streams, events.events TO claims_ingestion, claims_reconciliation, claims_query;
GRANT SELECT, INSERT, UPDATE, DELETE ON events.progress, events.dead_letters TO claims_ingestion, claims_reconciliation, claims_query;

-- Appending: the writers get INSERT/UPDATE on the log's tables, and row-level security limits each to its streams.
GRANT INSERT, UPDATE ON events.streams TO claims_ingestion, claims_reconciliation;
GRANT INSERT ON events.events TO claims_ingestion, claims_reconciliation;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA events TO claims_ingestion, claims_reconciliation;

ALTER TABLE events.events ENABLE ROW LEVEL SECURITY;
ALTER TABLE events.streams ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS everyone_reads ON events.events;
CREATE POLICY everyone_reads ON events.events FOR SELECT USING (true);
DROP POLICY IF EXISTS ingestion_appends ON events.events;
CREATE POLICY ingestion_appends ON events.events FOR INSERT TO claims_ingestion
    WITH CHECK (stream_id LIKE 'article-%');
DROP POLICY IF EXISTS reconciliation_appends ON events.events;
CREATE POLICY reconciliation_appends ON events.events FOR INSERT TO claims_reconciliation
    WITH CHECK (stream_id LIKE 'claim-%' OR stream_id LIKE 'source-%');

DROP POLICY IF EXISTS everyone_reads ON events.streams;
CREATE POLICY everyone_reads ON events.streams FOR SELECT USING (true);
DROP POLICY IF EXISTS ingestion_creates ON events.streams;
CREATE POLICY ingestion_creates ON events.streams FOR INSERT TO claims_ingestion WITH CHECK (id LIKE 'article-%');
DROP POLICY IF EXISTS ingestion_versions ON events.streams;
CREATE POLICY ingestion_versions ON events.streams FOR UPDATE TO claims_ingestion
    USING (id LIKE 'article-%') WITH CHECK (id LIKE 'article-%');
DROP POLICY IF EXISTS reconciliation_creates ON events.streams;
CREATE POLICY reconciliation_creates ON events.streams FOR INSERT TO claims_reconciliation
    WITH CHECK (id LIKE 'claim-%' OR id LIKE 'source-%');
DROP POLICY IF EXISTS reconciliation_versions ON events.streams;
CREATE POLICY reconciliation_versions ON events.streams FOR UPDATE TO claims_reconciliation
    USING (id LIKE 'claim-%' OR id LIKE 'source-%') WITH CHECK (id LIKE 'claim-%' OR id LIKE 'source-%');

-- Snapshots of folded streams: only reconciliation keeps them, of its own streams.
GRANT SELECT, INSERT, UPDATE ON events.snapshots TO claims_reconciliation;
ALTER TABLE events.snapshots ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS reconciliation_reads ON events.snapshots;
CREATE POLICY reconciliation_reads ON events.snapshots FOR SELECT TO claims_reconciliation USING (true);
DROP POLICY IF EXISTS reconciliation_snapshots ON events.snapshots;
CREATE POLICY reconciliation_snapshots ON events.snapshots FOR INSERT TO claims_reconciliation
    WITH CHECK (stream_id LIKE 'claim-%' OR stream_id LIKE 'source-%');
DROP POLICY IF EXISTS reconciliation_replaces ON events.snapshots;
CREATE POLICY reconciliation_replaces ON events.snapshots FOR UPDATE TO claims_reconciliation
    USING (stream_id LIKE 'claim-%' OR stream_id LIKE 'source-%') WITH CHECK (stream_id LIKE 'claim-%' OR stream_id LIKE 'source-%');

-- Each service's own tables: rows only, never DDL.
GRANT USAGE ON SCHEMA reconciliation TO claims_reconciliation;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA reconciliation TO claims_reconciliation;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA reconciliation TO claims_reconciliation;

GRANT USAGE ON SCHEMA query TO claims_query;
-- TRUNCATE: a rebuild empties the read models before replaying the log.
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA query TO claims_query;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA query TO claims_query;
