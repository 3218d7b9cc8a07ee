import { type Migration } from './migration.js';

/**
 * The documented event-store schema (`docs/event-store.md`): `events`, `streams`, `settings`,
 * the append-only trigger, and the append functions (one call, one round trip, per append transaction).
 *
 * Error codes raised here (SQLSTATE):
 * - ES001 wrong expected version (append_events); DETAIL is the actual revision, -1 when the stream does not exist;
 * - ES002 an event id is already stored and this append is not an identical retry (append_events); DETAIL is that id;
 * - ES003 UPDATE, DELETE or TRUNCATE on `events`.
 */
export const eventStoreSchema: Migration = {
  version: 1,
  name: 'event-store-schema',
  sql: `
CREATE TABLE event_store.settings (
  singleton boolean PRIMARY KEY DEFAULT true CONSTRAINT settings_single_row CHECK (singleton),
  restore_epoch integer NOT NULL CONSTRAINT settings_restore_epoch_positive CHECK (restore_epoch >= 1)
);
INSERT INTO event_store.settings (singleton, restore_epoch) VALUES (true, 1);

COMMENT ON TABLE event_store.settings IS
  'One-row settings of the event store. The restore runbook bumps restore_epoch after a logical dump and restore.';
COMMENT ON COLUMN event_store.settings.singleton IS 'Always true: keeps the table to one row.';
COMMENT ON COLUMN event_store.settings.restore_epoch IS
  'Current restore epoch, starting at 1. A restore restarts transaction ids, so new events are ordered after every event of an earlier epoch.';

CREATE TABLE event_store.streams (
  stream_id text PRIMARY KEY CONSTRAINT streams_stream_id_not_empty CHECK (stream_id <> ''),
  stream_revision bigint NOT NULL CONSTRAINT streams_stream_revision_not_negative CHECK (stream_revision >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE event_store.streams IS
  'One row per stream, holding its current revision. Appends lock the row (optimistic concurrency per stream).';
COMMENT ON COLUMN event_store.streams.stream_id IS 'Stream identifier, e.g. case-<uuid>.';
COMMENT ON COLUMN event_store.streams.stream_revision IS
  'Revision (0-based) of the last event in the stream, i.e. the next expected revision.';
COMMENT ON COLUMN event_store.streams.created_at IS 'When the first event of the stream was appended.';
COMMENT ON COLUMN event_store.streams.updated_at IS 'When the last event of the stream was appended.';

CREATE TABLE event_store.events (
  global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  restore_epoch integer NOT NULL,
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id text NOT NULL,
  stream_revision bigint NOT NULL CONSTRAINT events_stream_revision_not_negative CHECK (stream_revision >= 0),
  event_id uuid NOT NULL,
  event_type text NOT NULL CONSTRAINT events_event_type_not_empty CHECK (event_type <> ''),
  schema_version integer NOT NULL DEFAULT 1 CONSTRAINT events_schema_version_positive CHECK (schema_version >= 1),
  data jsonb NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT events_stream_revision_key UNIQUE (stream_id, stream_revision),
  CONSTRAINT events_event_id_key UNIQUE (event_id)
);
CREATE INDEX events_read_all_idx ON event_store.events (restore_epoch, transaction_id, global_position);

COMMENT ON TABLE event_store.events IS
  'Append-only log of every event. Read all in (restore_epoch, transaction_id, global_position) order, gated on the snapshot xmin; UPDATE, DELETE and TRUNCATE are rejected by a trigger.';
COMMENT ON COLUMN event_store.events.global_position IS
  'Insertion sequence number. Taken at INSERT, visible at COMMIT: not a safe resume point on its own.';
COMMENT ON COLUMN event_store.events.restore_epoch IS
  'settings.restore_epoch when the event was appended; first key of the read-all order.';
COMMENT ON COLUMN event_store.events.transaction_id IS
  'Id of the appending transaction; second key of the read-all order. Readers only pass transactions below the snapshot xmin.';
COMMENT ON COLUMN event_store.events.stream_id IS 'Stream the event belongs to (see streams).';
COMMENT ON COLUMN event_store.events.stream_revision IS 'Revision of the event in its stream, 0-based.';
COMMENT ON COLUMN event_store.events.event_id IS 'Client-chosen event id, unique in the store; makes retries idempotent.';
COMMENT ON COLUMN event_store.events.event_type IS 'Event type name, e.g. ReadStarted.';
COMMENT ON COLUMN event_store.events.schema_version IS 'Version of the schema of data, for upcasting.';
COMMENT ON COLUMN event_store.events.data IS 'Event payload.';
COMMENT ON COLUMN event_store.events.metadata IS
  'Event metadata as given by the writer; correlation keys are $correlationId and $causationId.';
COMMENT ON COLUMN event_store.events.recorded_at IS 'Time of the appending transaction, set by the store.';

CREATE FUNCTION event_store.reject_event_changes() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'event_store.events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'ES003',
          HINT = 'Recorded events never change; append a correcting event instead.';
END
$fn$;
COMMENT ON FUNCTION event_store.reject_event_changes() IS 'Trigger function that keeps event_store.events append-only.';

CREATE TRIGGER events_append_only
  BEFORE UPDATE OR DELETE OR TRUNCATE ON event_store.events
  FOR EACH STATEMENT EXECUTE FUNCTION event_store.reject_event_changes();
-- ALWAYS: also fires under session_replication_role = replica.
ALTER TABLE event_store.events ENABLE ALWAYS TRIGGER events_append_only;
COMMENT ON TRIGGER events_append_only ON event_store.events IS
  'Rejects UPDATE, DELETE and TRUNCATE for every role, superusers included unless they disable it.';

-- The earlier append that p_events repeats, if it is an identical retry: the same ids, in the same
-- order, at consecutive revisions of p_stream_id (starting at p_first_revision unless that is null).
-- stored_count tells whether any of the ids is stored at all.
CREATE FUNCTION event_store.find_earlier_append(p_stream_id text, p_events jsonb, p_first_revision bigint)
RETURNS TABLE (stored_count integer, is_retry boolean, next_revision bigint, restore_epoch integer,
               transaction_id xid8, global_position bigint, first_stored_id uuid)
LANGUAGE sql STABLE AS $fn$
  WITH batch AS (
    SELECT (b.value->>'eventId')::uuid AS event_id, b.ord
    FROM jsonb_array_elements(p_events) WITH ORDINALITY AS b(value, ord)
  ), stored AS (
    SELECT b.ord, e.stream_id, e.stream_revision, e.restore_epoch, e.transaction_id, e.global_position, e.event_id
    FROM batch b JOIN event_store.events e ON e.event_id = b.event_id
  ), summary AS (
    SELECT count(*)::integer AS stored_count,
           coalesce(bool_and(s.stream_id = p_stream_id), false)
             AND min(s.stream_revision - s.ord) = max(s.stream_revision - s.ord)
             AND (p_first_revision IS NULL OR min(s.stream_revision - s.ord) = p_first_revision - 1)
             AS same_events,
           max(s.ord) AS last_ord,
           (array_agg(s.event_id ORDER BY s.ord))[1] AS first_stored_id
    FROM stored s
  )
  SELECT m.stored_count,
         coalesce(m.same_events AND m.stored_count = (SELECT count(*) FROM batch), false),
         l.stream_revision, l.restore_epoch, l.transaction_id, l.global_position, m.first_stored_id
  FROM summary m LEFT JOIN stored l ON l.ord = m.last_ord
$fn$;
COMMENT ON FUNCTION event_store.find_earlier_append(text, jsonb, bigint) IS
  'Finds the earlier append that a batch repeats (idempotent retry by event ids); used by append_many.';

-- Several independent appends in one transaction, one round trip (the adapter combines concurrent
-- appends): each is checked and written as if alone (appends to one stream in the order given), and one
-- notification is sent for the whole transaction. Conflicts do not raise: each append's row reports its
-- status, 'appended', 'retry' (an identical retry: the earlier result, nothing written),
-- 'wrong-expected-version' (detail = actual revision, -1 for no stream) or 'duplicate-event-id'
-- (detail = the id); only 'appended' writes. An unexpected error (e.g. an event id stored in another
-- stream under an exact expectation: unique_violation on events_event_id_key) aborts the whole call.
CREATE FUNCTION event_store.append_many(p_appends jsonb)
RETURNS TABLE (ord integer, status text, next_revision bigint, restore_epoch integer, transaction_id xid8,
               global_position bigint, detail text)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  v_epoch integer;
  v_written boolean := false;
  v_done integer[];
  v_revisions bigint[];
  v_positions bigint[];
  v_append record;
  v_count integer;
  v_current bigint;
  v_actual bigint;
  v_earlier record;
BEGIN
  SELECT s.restore_epoch INTO v_epoch FROM event_store.settings AS s;

  -- The common case, set-based: an exact revision or no-stream, on a stream no other append of the call
  -- touches. Those whose expectation does not hold are left alone here and reported by the loop below.
  WITH appends AS (
    SELECT a.ord::integer AS ord, a.stream_id, a.expected, a.revision, a.events,
           jsonb_array_length(a.events) AS event_count,
           count(*) OVER (PARTITION BY a.stream_id) AS same_stream
    FROM ROWS FROM (jsonb_to_recordset(p_appends) AS ("streamId" text, expected text, revision bigint, events jsonb))
         WITH ORDINALITY AS a(stream_id, expected, revision, events, ord)
  ), candidates AS (
    SELECT * FROM appends AS a
    WHERE a.same_stream = 1 AND a.event_count > 0 AND a.stream_id <> ''
      AND (a.expected = 'no-stream' OR (a.expected = 'revision' AND a.revision >= 0))
  ), advanced AS (
    UPDATE event_store.streams AS s
       SET stream_revision = s.stream_revision + c.event_count, updated_at = now()
      FROM candidates AS c
     WHERE c.expected = 'revision' AND s.stream_id = c.stream_id AND s.stream_revision = c.revision
    RETURNING c.ord, c.revision AS base
  ), created AS (
    INSERT INTO event_store.streams AS s (stream_id, stream_revision)
    SELECT c.stream_id, c.event_count - 1 FROM candidates AS c WHERE c.expected = 'no-stream' ORDER BY c.stream_id
    ON CONFLICT (stream_id) DO NOTHING
    RETURNING s.stream_id
  ), accepted AS (
    SELECT v.ord, v.base FROM advanced AS v
    UNION ALL
    SELECT c.ord, -1 FROM candidates AS c JOIN created AS n ON n.stream_id = c.stream_id
  ), inserted AS (
    INSERT INTO event_store.events AS e
      (restore_epoch, stream_id, stream_revision, event_id, event_type, schema_version, data, metadata)
    SELECT v_epoch, c.stream_id, acc.base + x.ord, x.event_id, x.event_type, coalesce(x.schema_version, 1), x.data,
           coalesce(x.metadata, '{}'::jsonb)
    FROM accepted AS acc
    JOIN candidates AS c ON c.ord = acc.ord
    CROSS JOIN LATERAL ROWS FROM (jsonb_to_recordset(c.events)
                   AS ("eventId" uuid, type text, "schemaVersion" integer, data jsonb, metadata jsonb))
         WITH ORDINALITY AS x(event_id, event_type, schema_version, data, metadata, ord)
    ORDER BY acc.ord, x.ord
    RETURNING e.stream_id, e.stream_revision, e.global_position
  ), last_events AS (
    SELECT acc.ord, max(i.stream_revision) AS next_revision, max(i.global_position) AS global_position
    FROM accepted AS acc JOIN candidates AS c ON c.ord = acc.ord JOIN inserted AS i ON i.stream_id = c.stream_id
    GROUP BY acc.ord
  )
  SELECT array_agg(l.ord), array_agg(l.next_revision), array_agg(l.global_position)
    INTO v_done, v_revisions, v_positions
  FROM last_events AS l;

  IF v_done IS NOT NULL THEN
    v_written := true;
    FOR k IN 1..cardinality(v_done) LOOP
      ord := v_done[k];
      status := 'appended';
      next_revision := v_revisions[k];
      restore_epoch := v_epoch;
      transaction_id := pg_current_xact_id();
      global_position := v_positions[k];
      detail := NULL;
      RETURN NEXT;
    END LOOP;
  END IF;

  -- Everything else one by one, in the order given.
  FOR v_append IN
    SELECT a.ord::integer AS ord, a.stream_id, a.expected, a.revision, a.events
    FROM ROWS FROM (jsonb_to_recordset(p_appends) AS ("streamId" text, expected text, revision bigint, events jsonb))
         WITH ORDINALITY AS a(stream_id, expected, revision, events, ord)
    WHERE v_done IS NULL OR a.ord <> ALL (v_done)
    ORDER BY a.ord
  LOOP
    v_count := jsonb_array_length(v_append.events);
    v_current := NULL;
    IF v_count < 1 OR v_append.stream_id IS NULL OR v_append.stream_id = ''
       OR v_append.expected IS NULL OR v_append.expected NOT IN ('any', 'no-stream', 'stream-exists', 'revision')
       OR (v_append.expected = 'revision' AND (v_append.revision IS NULL OR v_append.revision < 0)) THEN
      RAISE EXCEPTION 'append_many: invalid append to % (expected % %, % events)', v_append.stream_id,
        v_append.expected, v_append.revision, v_count USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- These expectations also hold for a retry, so an identical retry is recognised up front.
    IF v_append.expected IN ('any', 'stream-exists') THEN
      SELECT * INTO v_earlier FROM event_store.find_earlier_append(v_append.stream_id, v_append.events, NULL);
      IF v_earlier.is_retry THEN
        RETURN QUERY SELECT v_append.ord, 'retry'::text, v_earlier.next_revision, v_earlier.restore_epoch, v_earlier.transaction_id,
                            v_earlier.global_position, NULL::text;
        CONTINUE;
      ELSIF v_earlier.stored_count > 0 THEN
        RETURN QUERY SELECT v_append.ord, 'duplicate-event-id'::text, NULL::bigint, NULL::integer, NULL::xid8, NULL::bigint,
                            v_earlier.first_stored_id::text;
        CONTINUE;
      END IF;
    END IF;

    FOR attempt IN 1..3 LOOP
      -- Lock, check and advance the stream in one statement; a waiter re-checks after the holder commits.
      IF v_append.expected <> 'no-stream' THEN
        UPDATE event_store.streams AS s
           SET stream_revision = s.stream_revision + v_count, updated_at = now()
         WHERE s.stream_id = v_append.stream_id
           AND (v_append.expected <> 'revision' OR s.stream_revision = v_append.revision)
        RETURNING s.stream_revision - v_count INTO v_current;
        EXIT WHEN v_current IS NOT NULL;
      END IF;
      IF v_append.expected IN ('any', 'no-stream') THEN
        INSERT INTO event_store.streams AS s (stream_id, stream_revision) VALUES (v_append.stream_id, v_count - 1)
        ON CONFLICT (stream_id) DO NOTHING;
        IF FOUND THEN
          v_current := -1;
          EXIT;
        END IF;
        -- Created meanwhile by a concurrent append: 'any' tries again, 'no-stream' has lost.
        CONTINUE WHEN v_append.expected = 'any';
      END IF;
      EXIT;
    END LOOP;

    IF v_current IS NULL THEN
      SELECT s.stream_revision INTO v_actual FROM event_store.streams AS s WHERE s.stream_id = v_append.stream_id;
      IF v_append.expected IN ('revision', 'no-stream') AND v_actual IS NOT NULL THEN
        SELECT * INTO v_earlier FROM event_store.find_earlier_append(v_append.stream_id, v_append.events,
          CASE WHEN v_append.expected = 'no-stream' THEN 0 ELSE v_append.revision + 1 END);
        IF v_earlier.is_retry THEN
          RETURN QUERY SELECT v_append.ord, 'retry'::text, v_earlier.next_revision, v_earlier.restore_epoch,
                              v_earlier.transaction_id, v_earlier.global_position, NULL::text;
          CONTINUE;
        END IF;
      END IF;
      RETURN QUERY SELECT v_append.ord, 'wrong-expected-version'::text, NULL::bigint, NULL::integer, NULL::xid8, NULL::bigint,
                          coalesce(v_actual, -1)::text;
      CONTINUE;
    END IF;

    INSERT INTO event_store.events AS e
      (restore_epoch, stream_id, stream_revision, event_id, event_type, schema_version, data, metadata)
    SELECT v_epoch, v_append.stream_id, v_current + x.ord, x.event_id, x.event_type,
           coalesce(x.schema_version, 1), x.data, coalesce(x.metadata, '{}'::jsonb)
    FROM ROWS FROM (jsonb_to_recordset(v_append.events)
                    AS ("eventId" uuid, type text, "schemaVersion" integer, data jsonb, metadata jsonb))
         WITH ORDINALITY AS x(event_id, event_type, schema_version, data, metadata, ord)
    ORDER BY x.ord;
    v_written := true;
    -- Identity values come in insertion order, so the session's last one is this append's last event.
    RETURN QUERY SELECT v_append.ord, 'appended'::text, v_current + v_count, v_epoch, pg_current_xact_id(),
                        currval('event_store.events_global_position_seq'::regclass), NULL::text;
  END LOOP;
  IF v_written THEN
    -- One wake-up per transaction: NOTIFY serialises committing transactions on a cluster-wide lock.
    PERFORM pg_notify('event_store_appended', '');
  END IF;
END
$fn$;
COMMENT ON FUNCTION event_store.append_many(jsonb) IS
  'Runs appends [{"streamId", "expected": any|no-stream|stream-exists|revision, "revision", "events": [{"eventId", "type", "schemaVersion", "data", "metadata"}]}] in one transaction, each checked (optimistic concurrency, idempotent retry by event ids) and written as if alone; one result row each, ord = its 1-based place in p_appends; one event_store_appended notification if any wrote.';

-- One append (for SQL callers): raises ES001 / ES002 on a conflict.
CREATE FUNCTION event_store.append_events(
  p_stream_id text,
  p_expected text,
  p_expected_revision bigint,
  p_events jsonb
) RETURNS TABLE (next_revision bigint, restore_epoch integer, transaction_id xid8, global_position bigint)
LANGUAGE plpgsql AS $fn$
DECLARE
  r record;
BEGIN
  SELECT * INTO r FROM event_store.append_many(jsonb_build_array(jsonb_build_object(
    'streamId', p_stream_id, 'expected', p_expected, 'revision', p_expected_revision, 'events', p_events)));
  IF r.status = 'wrong-expected-version' THEN
    RAISE EXCEPTION 'stream %: expected %, actual revision %', p_stream_id,
      CASE WHEN p_expected = 'revision' THEN p_expected_revision::text ELSE p_expected END,
      CASE WHEN r.detail = '-1' THEN 'no-stream' ELSE r.detail END
      USING ERRCODE = 'ES001', DETAIL = r.detail;
  ELSIF r.status = 'duplicate-event-id' THEN
    RAISE EXCEPTION 'event % is already stored and this append to % is not an identical retry', r.detail, p_stream_id
      USING ERRCODE = 'ES002', DETAIL = r.detail;
  END IF;
  RETURN QUERY SELECT r.next_revision, r.restore_epoch, r.transaction_id, r.global_position;
END
$fn$;
COMMENT ON FUNCTION event_store.append_events(text, text, bigint, jsonb) IS
  'Appends one batch to a stream (see append_many) and sends one event_store_appended notification. Raises ES001 (wrong expected version, DETAIL = actual revision or -1) or ES002 (duplicate event id, DETAIL = id).';
`,
};
