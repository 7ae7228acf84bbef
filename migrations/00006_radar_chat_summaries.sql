-- +goose Up
-- Summaries that answer the radar and the contact list without reading raw
-- history (ARCHITECTURE "Scaling"). Triggers on the raw tables maintain them
-- in the transaction of every write, whoever writes (the service, a foreign
-- key cascade, a bulk load), so they equal the raw rows at every moment.

-- The zone in which the rollups cut days: the service's TIME_ZONE, in which
-- radar windows are calendar days. When TIME_ZONE changes, `leida serve`
-- rebuilds the rollups in the new zone (leida_radar_rebuild).
CREATE TABLE radar_rollup_zone (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    zone      text    NOT NULL
);
INSERT INTO radar_rollup_zone (zone) VALUES ('Asia/Shanghai');

-- Logs per rep, day and action: E31's data_count, E33.
CREATE TABLE radar_action_days (
    company_id bigint   NOT NULL,
    user_id    bigint   NOT NULL,
    day        date     NOT NULL,
    action     smallint NOT NULL,
    n          bigint   NOT NULL,
    PRIMARY KEY (company_id, user_id, day, action)
);

-- Logs per rep and action, all time: E31's data_count without a window.
CREATE TABLE radar_action_totals (
    company_id bigint   NOT NULL,
    user_id    bigint   NOT NULL,
    action     smallint NOT NULL,
    n          bigint   NOT NULL,
    PRIMARY KEY (company_id, user_id, action)
);

-- Logs per rep, day and customer, in all (n) and per action (counts[action],
-- twelve entries): E32's ranking and detail.
CREATE TABLE radar_customer_days (
    company_id  bigint   NOT NULL,
    user_id     bigint   NOT NULL,
    day         date     NOT NULL,
    customer_id bigint   NOT NULL,
    n           bigint   NOT NULL,
    counts      bigint[] NOT NULL,
    PRIMARY KEY (company_id, user_id, day, customer_id)
);
-- The days of the customers on one E32 page.
CREATE INDEX radar_customer_days_customer_idx ON radar_customer_days (company_id, user_id, customer_id, day);

-- Logs per rep, customer and action, all time: A5, the view number of E42.
CREATE TABLE radar_customer_actions (
    company_id  bigint   NOT NULL,
    user_id     bigint   NOT NULL,
    customer_id bigint   NOT NULL,
    action      smallint NOT NULL,
    n           bigint   NOT NULL,
    PRIMARY KEY (company_id, user_id, customer_id, action)
);

-- Open windows (E32's default "since the day seven days ago", or any recent
-- start day): per rep, start day and customer, the logs on or after the start
-- day, in all and per action, ranked by an index. Kept for the start days
-- from eight days ago to today (in the zone), the default start day with a
-- day of slack for clocks: a log of day d counts in the windows starting in
-- that range on or before d. Older windows are pruned as the days pass.
CREATE TABLE radar_customer_windows (
    company_id  bigint   NOT NULL,
    user_id     bigint   NOT NULL,
    start_day   date     NOT NULL,
    customer_id bigint   NOT NULL,
    n           bigint   NOT NULL,
    counts      bigint[] NOT NULL,
    PRIMARY KEY (company_id, user_id, start_day, customer_id)
);
CREATE INDEX radar_customer_windows_rank_idx ON radar_customer_windows (company_id, user_id, start_day, n DESC, customer_id);

-- leida_add_counts adds two twelve-entry vectors.
-- +goose StatementBegin
CREATE FUNCTION leida_add_counts(a bigint[], b bigint[]) RETURNS bigint[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_agg(a[i] + b[i] ORDER BY i) FROM generate_series(1, 12) i
$$;
-- +goose StatementEnd

-- leida_radar_rollup adds sign × the logs of the transition table `delta` to
-- every rollup. Rows are upserted in key order, so concurrent writers lock
-- rollup rows in one order. A rollup row only ever disappears here (at zero),
-- so a removal always finds the rows its logs added.
-- +goose StatementBegin
CREATE FUNCTION leida_radar_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sign  bigint := CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
    z     text   := (SELECT zone FROM radar_rollup_zone);
    today date   := (now() AT TIME ZONE z)::date;
BEGIN
    INSERT INTO radar_action_days AS r (company_id, user_id, day, action, n)
    SELECT company_id, user_id, (created_at AT TIME ZONE z)::date, action, sign * count(*)
    FROM delta GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (company_id, user_id, day, action) DO UPDATE SET n = r.n + EXCLUDED.n;

    INSERT INTO radar_action_totals AS r (company_id, user_id, action, n)
    SELECT company_id, user_id, action, sign * count(*)
    FROM delta GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (company_id, user_id, action) DO UPDATE SET n = r.n + EXCLUDED.n;

    INSERT INTO radar_customer_days AS r (company_id, user_id, day, customer_id, n, counts)
    SELECT company_id, user_id, (created_at AT TIME ZONE z)::date, customer_id, sign * count(*),
           ARRAY[sign * count(*) FILTER (WHERE action = 1), sign * count(*) FILTER (WHERE action = 2),
                 sign * count(*) FILTER (WHERE action = 3), sign * count(*) FILTER (WHERE action = 4),
                 sign * count(*) FILTER (WHERE action = 5), sign * count(*) FILTER (WHERE action = 6),
                 sign * count(*) FILTER (WHERE action = 7), sign * count(*) FILTER (WHERE action = 8),
                 sign * count(*) FILTER (WHERE action = 9), sign * count(*) FILTER (WHERE action = 10),
                 sign * count(*) FILTER (WHERE action = 11), sign * count(*) FILTER (WHERE action = 12)]
    FROM delta GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (company_id, user_id, day, customer_id)
    DO UPDATE SET n = r.n + EXCLUDED.n, counts = leida_add_counts(r.counts, EXCLUDED.counts);

    INSERT INTO radar_customer_actions AS r (company_id, user_id, customer_id, action, n)
    SELECT company_id, user_id, customer_id, action, sign * count(*)
    FROM delta GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (company_id, user_id, customer_id, action) DO UPDATE SET n = r.n + EXCLUDED.n;

    INSERT INTO radar_customer_windows AS r (company_id, user_id, start_day, customer_id, n, counts)
    SELECT company_id, user_id, today - k, customer_id, sign * count(*),
           ARRAY[sign * count(*) FILTER (WHERE action = 1), sign * count(*) FILTER (WHERE action = 2),
                 sign * count(*) FILTER (WHERE action = 3), sign * count(*) FILTER (WHERE action = 4),
                 sign * count(*) FILTER (WHERE action = 5), sign * count(*) FILTER (WHERE action = 6),
                 sign * count(*) FILTER (WHERE action = 7), sign * count(*) FILTER (WHERE action = 8),
                 sign * count(*) FILTER (WHERE action = 9), sign * count(*) FILTER (WHERE action = 10),
                 sign * count(*) FILTER (WHERE action = 11), sign * count(*) FILTER (WHERE action = 12)]
    FROM (SELECT * FROM delta WHERE created_at >= (today - 8)::timestamp AT TIME ZONE z) d, generate_series(0, 8) k
    WHERE today - k <= (created_at AT TIME ZONE z)::date
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (company_id, user_id, start_day, customer_id)
    DO UPDATE SET n = r.n + EXCLUDED.n, counts = leida_add_counts(r.counts, EXCLUDED.counts);
    DELETE FROM radar_customer_windows r USING (SELECT DISTINCT company_id, user_id FROM delta) d
    WHERE r.company_id = d.company_id AND r.user_id = d.user_id AND r.start_day < today - 8;

    IF sign < 0 THEN
        DELETE FROM radar_action_days r
        USING (SELECT DISTINCT company_id, user_id, (created_at AT TIME ZONE z)::date AS day, action FROM delta) d
        WHERE (r.company_id, r.user_id, r.day, r.action) = (d.company_id, d.user_id, d.day, d.action) AND r.n = 0;
        DELETE FROM radar_action_totals r USING (SELECT DISTINCT company_id, user_id, action FROM delta) d
        WHERE (r.company_id, r.user_id, r.action) = (d.company_id, d.user_id, d.action) AND r.n = 0;
        DELETE FROM radar_customer_days r
        USING (SELECT DISTINCT company_id, user_id, (created_at AT TIME ZONE z)::date AS day, customer_id FROM delta) d
        WHERE (r.company_id, r.user_id, r.day, r.customer_id) = (d.company_id, d.user_id, d.day, d.customer_id) AND r.n = 0;
        DELETE FROM radar_customer_actions r
        USING (SELECT DISTINCT company_id, user_id, customer_id, action FROM delta) d
        WHERE (r.company_id, r.user_id, r.customer_id, r.action) = (d.company_id, d.user_id, d.customer_id, d.action) AND r.n = 0;
        DELETE FROM radar_customer_windows r
        USING (SELECT DISTINCT company_id, user_id, customer_id FROM delta) d
        WHERE (r.company_id, r.user_id, r.customer_id) = (d.company_id, d.user_id, d.customer_id) AND r.n = 0
          AND r.start_day >= today - 8;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER access_logs_rollup_insert AFTER INSERT ON access_logs
    REFERENCING NEW TABLE AS delta FOR EACH STATEMENT EXECUTE FUNCTION leida_radar_rollup();
CREATE TRIGGER access_logs_rollup_delete AFTER DELETE ON access_logs
    REFERENCING OLD TABLE AS delta FOR EACH STATEMENT EXECUTE FUNCTION leida_radar_rollup();

-- leida_radar_rebuild recomputes every rollup from the raw logs in the
-- current zone, with the logs locked against writes meanwhile.
-- +goose StatementBegin
CREATE FUNCTION leida_radar_rebuild() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    z     text := (SELECT zone FROM radar_rollup_zone);
    today date := (now() AT TIME ZONE z)::date;
BEGIN
    LOCK TABLE access_logs IN SHARE MODE;
    TRUNCATE radar_action_days, radar_action_totals, radar_customer_days, radar_customer_actions, radar_customer_windows;
    INSERT INTO radar_action_days (company_id, user_id, day, action, n)
    SELECT company_id, user_id, (created_at AT TIME ZONE z)::date, action, count(*)
    FROM access_logs GROUP BY 1, 2, 3, 4;
    INSERT INTO radar_action_totals (company_id, user_id, action, n)
    SELECT company_id, user_id, action, sum(n) FROM radar_action_days GROUP BY 1, 2, 3;
    INSERT INTO radar_customer_days (company_id, user_id, day, customer_id, n, counts)
    SELECT company_id, user_id, (created_at AT TIME ZONE z)::date, customer_id, count(*),
           ARRAY[count(*) FILTER (WHERE action = 1), count(*) FILTER (WHERE action = 2), count(*) FILTER (WHERE action = 3),
                 count(*) FILTER (WHERE action = 4), count(*) FILTER (WHERE action = 5), count(*) FILTER (WHERE action = 6),
                 count(*) FILTER (WHERE action = 7), count(*) FILTER (WHERE action = 8), count(*) FILTER (WHERE action = 9),
                 count(*) FILTER (WHERE action = 10), count(*) FILTER (WHERE action = 11), count(*) FILTER (WHERE action = 12)]
    FROM access_logs GROUP BY 1, 2, 3, 4;
    INSERT INTO radar_customer_actions (company_id, user_id, customer_id, action, n)
    SELECT company_id, user_id, customer_id, action, count(*)
    FROM access_logs GROUP BY 1, 2, 3, 4;
    INSERT INTO radar_customer_windows (company_id, user_id, start_day, customer_id, n, counts)
    SELECT company_id, user_id, today - k, customer_id, count(*),
           ARRAY[count(*) FILTER (WHERE action = 1), count(*) FILTER (WHERE action = 2), count(*) FILTER (WHERE action = 3),
                 count(*) FILTER (WHERE action = 4), count(*) FILTER (WHERE action = 5), count(*) FILTER (WHERE action = 6),
                 count(*) FILTER (WHERE action = 7), count(*) FILTER (WHERE action = 8), count(*) FILTER (WHERE action = 9),
                 count(*) FILTER (WHERE action = 10), count(*) FILTER (WHERE action = 11), count(*) FILTER (WHERE action = 12)]
    FROM access_logs, generate_series(0, 8) k
    WHERE created_at >= (today - 8)::timestamp AT TIME ZONE z AND today - k <= (created_at AT TIME ZONE z)::date
    GROUP BY 1, 2, 3, 4;
END $$;
-- +goose StatementEnd
SELECT leida_radar_rebuild();

-- A log is an event that happened: only its follow-up link changes after it
-- is written (the rollups rely on it).
-- +goose StatementBegin
CREATE FUNCTION leida_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a row of % keeps its company, rep, customer and kind', TG_TABLE_NAME USING ERRCODE = 'check_violation';
END $$;
-- +goose StatementEnd
CREATE TRIGGER access_logs_immutable BEFORE UPDATE ON access_logs FOR EACH ROW
    WHEN (OLD.company_id IS DISTINCT FROM NEW.company_id OR OLD.user_id IS DISTINCT FROM NEW.user_id
          OR OLD.customer_id IS DISTINCT FROM NEW.customer_id OR OLD.action IS DISTINCT FROM NEW.action
          OR OLD.created_at IS DISTINCT FROM NEW.created_at)
    EXECUTE FUNCTION leida_refuse_update();

-- Radar reads by index: the timeline newest first (E31), and with an action
-- filter.
DROP INDEX access_logs_user_idx;
CREATE INDEX access_logs_user_idx ON access_logs (company_id, user_id, created_at DESC NULLS LAST, id DESC);
CREATE INDEX access_logs_user_action_idx ON access_logs (company_id, user_id, action, created_at DESC NULLS LAST, id DESC);

-- The unread feed (E47): the logs the rep has not read yet, claimed newest
-- first by index (the trailing action is filtered inside the index) and
-- deleted as they are returned. A narrow table of its own: reading a log
-- removes a small row here instead of rewriting the log and every index on
-- it. Every new log is unread (a trigger adds it); loads of history that was
-- read already may leave them out.
CREATE TABLE radar_unread (
    log_id      bigint      PRIMARY KEY REFERENCES access_logs (id) ON DELETE CASCADE,
    company_id  bigint      NOT NULL,
    user_id     bigint      NOT NULL,
    action      smallint    NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX radar_unread_feed_idx ON radar_unread (company_id, user_id, created_at DESC NULLS LAST, log_id DESC, action);
INSERT INTO radar_unread (log_id, company_id, user_id, action, created_at)
SELECT id, company_id, user_id, action, created_at FROM access_logs WHERE is_new;
DROP INDEX access_logs_unread_idx;
ALTER TABLE access_logs DROP COLUMN is_new;
-- +goose StatementBegin
CREATE FUNCTION leida_radar_unread() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO radar_unread (log_id, company_id, user_id, action, created_at)
    SELECT id, company_id, user_id, action, created_at FROM delta;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER access_logs_unread AFTER INSERT ON access_logs
    REFERENCING NEW TABLE AS delta FOR EACH STATEMENT EXECUTE FUNCTION leida_radar_unread();

-- One row per conversation (company, rep, customer): its latest message
-- (the contact list, E25, newest first), how many messages it holds and how
-- many each side has not read (the rep: send_type 2; the customer: 1).
CREATE TABLE chat_conversations (
    company_id      bigint      NOT NULL,
    user_id         bigint      NOT NULL,
    customer_id     bigint      NOT NULL,
    last_message_id bigint      NOT NULL,
    last_at         timestamptz NOT NULL,
    messages        bigint      NOT NULL,
    rep_unread      bigint      NOT NULL,
    customer_unread bigint      NOT NULL,
    PRIMARY KEY (company_id, user_id, customer_id)
);
CREATE INDEX chat_conversations_recent_idx ON chat_conversations (company_id, user_id, last_at DESC NULLS LAST, last_message_id DESC);

-- Conversations per rep: E25's data_count.
CREATE TABLE chat_rep_totals (
    company_id    bigint NOT NULL,
    user_id       bigint NOT NULL,
    conversations bigint NOT NULL,
    PRIMARY KEY (company_id, user_id)
);

-- +goose StatementBegin
CREATE FUNCTION leida_chat_rep_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO chat_rep_totals AS t (company_id, user_id, conversations) VALUES (NEW.company_id, NEW.user_id, 1)
        ON CONFLICT (company_id, user_id) DO UPDATE SET conversations = t.conversations + 1;
    ELSE
        UPDATE chat_rep_totals SET conversations = conversations - 1 WHERE company_id = OLD.company_id AND user_id = OLD.user_id;
        DELETE FROM chat_rep_totals WHERE company_id = OLD.company_id AND user_id = OLD.user_id AND conversations = 0;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER chat_conversations_count AFTER INSERT OR DELETE ON chat_conversations
    FOR EACH ROW EXECUTE FUNCTION leida_chat_rep_count();

-- New messages: counts add up, and the latest message (by time, then id)
-- wins whatever order concurrent senders commit in.
-- +goose StatementBegin
CREATE FUNCTION leida_chat_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO chat_conversations AS c
        (company_id, user_id, customer_id, last_message_id, last_at, messages, rep_unread, customer_unread)
    SELECT g.company_id, g.user_id, g.customer_id, l.id, l.created_at, g.messages, g.rep_unread, g.customer_unread
    FROM (SELECT company_id, user_id, customer_id, count(*) AS messages,
                 count(*) FILTER (WHERE send_type = 2 AND NOT is_read) AS rep_unread,
                 count(*) FILTER (WHERE send_type = 1 AND NOT is_read) AS customer_unread
          FROM delta GROUP BY 1, 2, 3) g
    JOIN (SELECT DISTINCT ON (company_id, user_id, customer_id) company_id, user_id, customer_id, id, created_at
          FROM delta ORDER BY company_id, user_id, customer_id, created_at DESC, id DESC) l
      USING (company_id, user_id, customer_id)
    ORDER BY 1, 2, 3
    ON CONFLICT (company_id, user_id, customer_id) DO UPDATE SET
        messages        = c.messages + EXCLUDED.messages,
        rep_unread      = c.rep_unread + EXCLUDED.rep_unread,
        customer_unread = c.customer_unread + EXCLUDED.customer_unread,
        last_message_id = CASE WHEN (EXCLUDED.last_at, EXCLUDED.last_message_id) > (c.last_at, c.last_message_id)
                               THEN EXCLUDED.last_message_id ELSE c.last_message_id END,
        last_at         = GREATEST(c.last_at, EXCLUDED.last_at);
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER chat_messages_conversation_insert AFTER INSERT ON chat_messages
    REFERENCING NEW TABLE AS delta FOR EACH STATEMENT EXECUTE FUNCTION leida_chat_inserted();

-- Updated messages: the unread counts follow every flip of a read flag,
-- either way; a message moved in time (a correction) may change which one is
-- the conversation's latest. A row trigger with a condition costs nothing for
-- the statements that change nothing (a poll with nothing unread).
-- +goose StatementBegin
CREATE FUNCTION leida_chat_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.is_read IS DISTINCT FROM NEW.is_read THEN
        UPDATE chat_conversations SET
            rep_unread = rep_unread + CASE WHEN NEW.send_type = 2 THEN OLD.is_read::int - NEW.is_read::int ELSE 0 END,
            customer_unread = customer_unread + CASE WHEN NEW.send_type = 1 THEN OLD.is_read::int - NEW.is_read::int ELSE 0 END
        WHERE company_id = NEW.company_id AND user_id = NEW.user_id AND customer_id = NEW.customer_id;
    END IF;
    IF OLD.created_at IS DISTINCT FROM NEW.created_at THEN
        UPDATE chat_conversations c SET last_message_id = l.id, last_at = l.created_at
        FROM (SELECT id, created_at FROM chat_messages
              WHERE company_id = NEW.company_id AND user_id = NEW.user_id AND customer_id = NEW.customer_id
              ORDER BY created_at DESC, id DESC LIMIT 1) l
        WHERE c.company_id = NEW.company_id AND c.user_id = NEW.user_id AND c.customer_id = NEW.customer_id;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER chat_messages_conversation_update AFTER UPDATE ON chat_messages FOR EACH ROW
    WHEN (OLD.is_read IS DISTINCT FROM NEW.is_read OR OLD.created_at IS DISTINCT FROM NEW.created_at)
    EXECUTE FUNCTION leida_chat_updated();

-- Removed messages (E08, cascades): the conversations they belonged to are
-- recomputed from what remains, and dropped when nothing does.
-- +goose StatementBegin
CREATE FUNCTION leida_chat_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM chat_conversations c USING (SELECT DISTINCT company_id, user_id, customer_id FROM delta) d
    WHERE c.company_id = d.company_id AND c.user_id = d.user_id AND c.customer_id = d.customer_id
      AND NOT EXISTS (SELECT 1 FROM chat_messages m
                      WHERE m.company_id = d.company_id AND m.user_id = d.user_id AND m.customer_id = d.customer_id);
    UPDATE chat_conversations c SET
        messages = s.messages, rep_unread = s.rep_unread, customer_unread = s.customer_unread,
        last_message_id = s.last_id, last_at = s.last_at
    FROM (SELECT m.company_id, m.user_id, m.customer_id, count(*) AS messages,
                 count(*) FILTER (WHERE m.send_type = 2 AND NOT m.is_read) AS rep_unread,
                 count(*) FILTER (WHERE m.send_type = 1 AND NOT m.is_read) AS customer_unread,
                 (array_agg(m.id ORDER BY m.created_at DESC, m.id DESC))[1] AS last_id,
                 max(m.created_at) AS last_at
          FROM chat_messages m
          JOIN (SELECT DISTINCT company_id, user_id, customer_id FROM delta) d
            ON m.company_id = d.company_id AND m.user_id = d.user_id AND m.customer_id = d.customer_id
          GROUP BY 1, 2, 3) s
    WHERE c.company_id = s.company_id AND c.user_id = s.user_id AND c.customer_id = s.customer_id;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER chat_messages_conversation_delete AFTER DELETE ON chat_messages
    REFERENCING OLD TABLE AS delta FOR EACH STATEMENT EXECUTE FUNCTION leida_chat_deleted();

CREATE TRIGGER chat_messages_immutable BEFORE UPDATE ON chat_messages FOR EACH ROW
    WHEN (OLD.company_id IS DISTINCT FROM NEW.company_id OR OLD.user_id IS DISTINCT FROM NEW.user_id
          OR OLD.customer_id IS DISTINCT FROM NEW.customer_id OR OLD.send_type IS DISTINCT FROM NEW.send_type)
    EXECUTE FUNCTION leida_refuse_update();

-- Backfill from the raw messages.
INSERT INTO chat_conversations (company_id, user_id, customer_id, last_message_id, last_at, messages, rep_unread, customer_unread)
SELECT company_id, user_id, customer_id,
       (array_agg(id ORDER BY created_at DESC, id DESC))[1], max(created_at), count(*),
       count(*) FILTER (WHERE send_type = 2 AND NOT is_read), count(*) FILTER (WHERE send_type = 1 AND NOT is_read)
FROM chat_messages GROUP BY 1, 2, 3;

-- History pages newest first (E26), ties by id.
DROP INDEX chat_messages_conversation_idx;
CREATE INDEX chat_messages_conversation_idx ON chat_messages (company_id, user_id, customer_id, created_at DESC, id DESC);

-- leida_summary_drift audits every summary against the raw rows it
-- summarises: the rows that differ, per summary (all zero when exact). Run it
-- in one snapshot (REPEATABLE READ) while writes go on: it must stay zero.
-- +goose StatementBegin
CREATE FUNCTION leida_summary_drift() RETURNS TABLE (summary text, differing bigint) LANGUAGE sql STABLE AS $$
    WITH z AS (SELECT zone FROM radar_rollup_zone),
    raw_action_days AS (
        SELECT company_id, user_id, (created_at AT TIME ZONE z.zone)::date AS day, action, count(*) AS n
        FROM access_logs, z GROUP BY 1, 2, 3, 4),
    raw_customer_days AS (
        SELECT company_id, user_id, (created_at AT TIME ZONE z.zone)::date AS day, customer_id, count(*) AS n,
               array_agg(action) AS actions
        FROM access_logs, z GROUP BY 1, 2, 3, 4),
    raw_action_totals AS (
        SELECT company_id, user_id, action, count(*) AS n FROM access_logs GROUP BY 1, 2, 3),
    raw_rep_totals AS (
        SELECT company_id, user_id, count(DISTINCT customer_id) AS conversations FROM chat_messages GROUP BY 1, 2),
    raw_customer_windows AS (
        SELECT company_id, user_id, (now() AT TIME ZONE z.zone)::date - k AS start_day, customer_id, count(*) AS n,
               array_agg(action) AS actions
        FROM access_logs, z, generate_series(0, 8) k
        WHERE (now() AT TIME ZONE z.zone)::date - k <= (created_at AT TIME ZONE z.zone)::date
        GROUP BY 1, 2, 3, 4),
    raw_customer_actions AS (
        SELECT company_id, user_id, customer_id, action, count(*) AS n FROM access_logs GROUP BY 1, 2, 3, 4),
    raw_conversations AS (
        SELECT company_id, user_id, customer_id,
               (array_agg(id ORDER BY created_at DESC, id DESC))[1] AS last_message_id, max(created_at) AS last_at,
               count(*) AS messages,
               count(*) FILTER (WHERE send_type = 2 AND NOT is_read) AS rep_unread,
               count(*) FILTER (WHERE send_type = 1 AND NOT is_read) AS customer_unread
        FROM chat_messages GROUP BY 1, 2, 3)
    SELECT 'radar_action_days', (SELECT count(*) FROM (
        (SELECT company_id, user_id, day, action, n FROM radar_action_days EXCEPT SELECT * FROM raw_action_days)
        UNION ALL (SELECT * FROM raw_action_days EXCEPT SELECT company_id, user_id, day, action, n FROM radar_action_days)) d)
    UNION ALL
    SELECT 'radar_customer_days', (SELECT count(*) FROM (
        (SELECT company_id, user_id, day, customer_id, n, counts FROM radar_customer_days
         EXCEPT SELECT company_id, user_id, day, customer_id, n,
                       ARRAY(SELECT count(*) FILTER (WHERE a = i) FROM unnest(actions) a, generate_series(1, 12) i GROUP BY i ORDER BY i)
                FROM raw_customer_days)
        UNION ALL
        (SELECT company_id, user_id, day, customer_id, n,
                ARRAY(SELECT count(*) FILTER (WHERE a = i) FROM unnest(actions) a, generate_series(1, 12) i GROUP BY i ORDER BY i)
         FROM raw_customer_days
         EXCEPT SELECT company_id, user_id, day, customer_id, n, counts FROM radar_customer_days)) d)
    UNION ALL
    SELECT 'radar_action_totals', (SELECT count(*) FROM (
        (SELECT company_id, user_id, action, n FROM radar_action_totals EXCEPT SELECT * FROM raw_action_totals)
        UNION ALL (SELECT * FROM raw_action_totals EXCEPT SELECT company_id, user_id, action, n FROM radar_action_totals)) d)
    UNION ALL
    SELECT 'chat_rep_totals', (SELECT count(*) FROM (
        (SELECT company_id, user_id, conversations FROM chat_rep_totals EXCEPT SELECT * FROM raw_rep_totals)
        UNION ALL (SELECT * FROM raw_rep_totals EXCEPT SELECT company_id, user_id, conversations FROM chat_rep_totals)) d)
    UNION ALL
    SELECT 'radar_customer_windows', (SELECT count(*) FROM (
        (SELECT w.company_id, w.user_id, w.start_day, w.customer_id, w.n, w.counts FROM radar_customer_windows w, z
         WHERE w.start_day >= (now() AT TIME ZONE z.zone)::date - 8
         EXCEPT SELECT company_id, user_id, start_day, customer_id, n,
                       ARRAY(SELECT count(*) FILTER (WHERE a = i) FROM unnest(actions) a, generate_series(1, 12) i GROUP BY i ORDER BY i)
                FROM raw_customer_windows)
        UNION ALL
        (SELECT company_id, user_id, start_day, customer_id, n,
                ARRAY(SELECT count(*) FILTER (WHERE a = i) FROM unnest(actions) a, generate_series(1, 12) i GROUP BY i ORDER BY i)
         FROM raw_customer_windows
         EXCEPT SELECT w.company_id, w.user_id, w.start_day, w.customer_id, w.n, w.counts FROM radar_customer_windows w, z
                WHERE w.start_day >= (now() AT TIME ZONE z.zone)::date - 8)) d)
    UNION ALL
    SELECT 'radar_customer_actions', (SELECT count(*) FROM (
        (SELECT company_id, user_id, customer_id, action, n FROM radar_customer_actions EXCEPT SELECT * FROM raw_customer_actions)
        UNION ALL (SELECT * FROM raw_customer_actions EXCEPT SELECT company_id, user_id, customer_id, action, n FROM radar_customer_actions)) d)
    UNION ALL
    SELECT 'chat_conversations', (SELECT count(*) FROM (
        (SELECT company_id, user_id, customer_id, last_message_id, last_at, messages, rep_unread, customer_unread
         FROM chat_conversations EXCEPT SELECT * FROM raw_conversations)
        UNION ALL (SELECT * FROM raw_conversations
         EXCEPT SELECT company_id, user_id, customer_id, last_message_id, last_at, messages, rep_unread, customer_unread
         FROM chat_conversations)) d)
$$;
-- +goose StatementEnd

-- +goose Down
DROP INDEX chat_messages_conversation_idx;
CREATE INDEX chat_messages_conversation_idx ON chat_messages (company_id, user_id, customer_id, created_at DESC);
DROP TRIGGER chat_messages_immutable ON chat_messages;
DROP TRIGGER chat_messages_conversation_delete ON chat_messages;
DROP TRIGGER chat_messages_conversation_update ON chat_messages;
DROP TRIGGER chat_messages_conversation_insert ON chat_messages;
DROP FUNCTION leida_chat_deleted();
DROP FUNCTION leida_chat_updated();
DROP FUNCTION leida_chat_inserted();
DROP TRIGGER chat_conversations_count ON chat_conversations;
DROP FUNCTION leida_chat_rep_count();
DROP TABLE chat_conversations;
DROP TABLE chat_rep_totals;

ALTER TABLE access_logs ADD COLUMN is_new boolean NOT NULL DEFAULT false;
UPDATE access_logs l SET is_new = true FROM radar_unread u WHERE u.log_id = l.id;
ALTER TABLE access_logs ALTER COLUMN is_new SET DEFAULT true;
CREATE INDEX access_logs_unread_idx ON access_logs (company_id, user_id, id) WHERE is_new;
DROP TRIGGER access_logs_unread ON access_logs;
DROP FUNCTION leida_radar_unread();
DROP TABLE radar_unread;
DROP INDEX access_logs_user_action_idx;
DROP INDEX access_logs_user_idx;
CREATE INDEX access_logs_user_idx ON access_logs (company_id, user_id, created_at DESC NULLS LAST) INCLUDE (customer_id, action);
DROP TRIGGER access_logs_immutable ON access_logs;
DROP FUNCTION leida_refuse_update();
DROP TRIGGER access_logs_rollup_delete ON access_logs;
DROP TRIGGER access_logs_rollup_insert ON access_logs;
DROP FUNCTION leida_summary_drift();
DROP FUNCTION leida_radar_rebuild();
DROP FUNCTION leida_radar_rollup();
DROP FUNCTION leida_add_counts(bigint[], bigint[]);
DROP TABLE radar_customer_windows;
DROP TABLE radar_action_totals;
DROP TABLE radar_customer_actions;
DROP TABLE radar_customer_days;
DROP TABLE radar_action_days;
DROP TABLE radar_rollup_zone;
