-- +goose Up
-- Outbound webhooks. An event is written to the outbox (webhook_events) by a
-- trigger in the transaction of the row it reports, and only for a company
-- with an enabled endpoint subscribed to it; each subscribed endpoint gets a
-- delivery row, which the delivery worker of `leida serve` claims, sends and
-- reschedules. The payload holds the row's facts, as stream_events does; the
-- body receivers see is formatted from it in Go.
CREATE TABLE webhook_endpoints (
    id              bigserial PRIMARY KEY,
    company_id      bigint      NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    url             text        NOT NULL CHECK (length(url) <= 2048),
    events          text[]      NOT NULL CHECK (cardinality(events) > 0),
    secret          text        NOT NULL,
    enabled         boolean     NOT NULL DEFAULT true,
    -- why the endpoint was disabled (a day of failed attempts), for its admin
    disabled_reason text        NOT NULL DEFAULT '',
    -- since when every attempt to it failed; NULL after a success
    failing_since   timestamptz,
    created_by      bigint      REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_company_idx ON webhook_endpoints (company_id, id);

CREATE TABLE webhook_events (
    id         bigserial PRIMARY KEY, -- the event id receivers deduplicate by
    company_id bigint      NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    event      text        NOT NULL,
    payload    jsonb       NOT NULL,
    created_at timestamptz NOT NULL
);
-- Pruning of old events.
CREATE INDEX webhook_events_created_idx ON webhook_events (created_at);

CREATE TABLE webhook_deliveries (
    id               bigserial PRIMARY KEY,
    company_id       bigint      NOT NULL,
    endpoint_id      bigint      NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id         bigint      NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    status           text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer     NOT NULL DEFAULT 0,
    next_at          timestamptz NOT NULL DEFAULT now(),
    -- a worker's claim: no other worker takes the delivery before it ends
    -- (a worker killed mid-attempt leaves it to be taken again then)
    leased_until     timestamptz,
    last_attempt_at  timestamptz,
    last_status_code integer, -- the HTTP status of the last attempt; NULL when none came back
    last_error       text        NOT NULL DEFAULT '',
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (endpoint_id, event_id)
);
-- The worker's queue: due deliveries by time.
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_at) WHERE status = 'pending';
-- An endpoint's last deliveries (webhook/deliveries).
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (company_id, endpoint_id, id DESC);

-- Fan-out: every new event gets a delivery per enabled endpoint of its
-- company subscribed to it (the workers poll for due deliveries).
-- +goose StatementBegin
CREATE FUNCTION leida_webhook_fanout() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO webhook_deliveries (company_id, endpoint_id, event_id, next_at)
    SELECT d.company_id, e.id, d.id, now()
    FROM delta d JOIN webhook_endpoints e ON e.company_id = d.company_id AND e.enabled AND d.event = ANY (e.events)
    ORDER BY d.id, e.id;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER webhook_events_fanout AFTER INSERT ON webhook_events
    REFERENCING NEW TABLE AS delta FOR EACH STATEMENT EXECUTE FUNCTION leida_webhook_fanout();

-- leida_webhook_subscribed: does the company have an enabled endpoint for the event?
-- +goose StatementBegin
CREATE FUNCTION leida_webhook_subscribed(p_company bigint, p_event text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM webhook_endpoints WHERE company_id = p_company AND enabled AND p_event = ANY (events))
$$;
-- +goose StatementEnd

-- radar.event: a new access log (the E47 item).
-- +goose StatementBegin
CREATE FUNCTION leida_webhook_radar() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO webhook_events (company_id, event, payload, created_at)
    SELECT d.company_id, 'radar.event',
        jsonb_build_object('id', d.id, 'user_id', d.user_id, 'customer_id', d.customer_id,
            'action', d.action, 'remark', d.remark, 'created_at', d.created_at,
            'customer_username', COALESCE(c.username, '')),
        d.created_at
    FROM delta d LEFT JOIN customers c ON c.id = d.customer_id
    WHERE leida_webhook_subscribed(d.company_id, 'radar.event')
    ORDER BY d.id;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER access_logs_webhook AFTER INSERT ON access_logs
    REFERENCING NEW TABLE AS delta FOR EACH STATEMENT EXECUTE FUNCTION leida_webhook_radar();

-- chat.message: a new chat message, either direction (the E28 item).
-- +goose StatementBegin
CREATE FUNCTION leida_webhook_chat() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO webhook_events (company_id, event, payload, created_at)
    SELECT d.company_id, 'chat.message',
        jsonb_build_object('id', d.id, 'user_id', d.user_id, 'customer_id', d.customer_id,
            'send_type', d.send_type, 'msg', d.msg, 'created_at', d.created_at,
            'customer_username', COALESCE(c.username, ''), 'customer_headimgurl', COALESCE(c.headimgurl, '')),
        d.created_at
    FROM delta d LEFT JOIN customers c ON c.id = d.customer_id
    WHERE leida_webhook_subscribed(d.company_id, 'chat.message')
    ORDER BY d.id;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER chat_messages_webhook AFTER INSERT ON chat_messages
    REFERENCING NEW TABLE AS delta FOR EACH STATEMENT EXECUTE FUNCTION leida_webhook_chat();

-- customer.outcome (a deal marked won, lost or open again) and customer.ai_pr
-- (the hot-lead rule fired: hot_lead_at moved, with the keys of the reps'
-- hot_lead stream event), from the company's profile.
-- Row triggers with a WHEN: they run only on those rare changes, not on the
-- frequent other updates of a profile.
-- +goose StatementBegin
CREATE FUNCTION leida_webhook_profile() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_outcome smallint := 0;
    old_hot     timestamptz;
    name        text;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        old_outcome := OLD.outcome;
        old_hot := OLD.hot_lead_at;
    END IF;
    SELECT username INTO name FROM customers WHERE id = NEW.customer_id;
    IF NEW.outcome IS DISTINCT FROM old_outcome AND leida_webhook_subscribed(NEW.company_id, 'customer.outcome') THEN
        INSERT INTO webhook_events (company_id, event, payload, created_at)
        VALUES (NEW.company_id, 'customer.outcome',
            jsonb_build_object('customer_id', NEW.customer_id, 'customer_username', COALESCE(name, ''),
                'outcome', NEW.outcome, 'previous', old_outcome, 'closed_at', NEW.closed_at),
            now());
    END IF;
    IF NEW.hot_lead_at IS NOT NULL AND NEW.hot_lead_at IS DISTINCT FROM old_hot
       AND leida_webhook_subscribed(NEW.company_id, 'customer.ai_pr') THEN
        INSERT INTO webhook_events (company_id, event, payload, created_at)
        VALUES (NEW.company_id, 'customer.ai_pr',
            jsonb_build_object('customer_id', NEW.customer_id, 'customer_username', COALESCE(name, ''),
                'ai_pr', NEW.ai_pr, 'tier', NEW.ai_tier, 'previous', NEW.ai_baseline, 'reasons', NEW.ai_reasons),
            NEW.hot_lead_at);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER customer_profiles_webhook_insert AFTER INSERT ON customer_profiles
    FOR EACH ROW WHEN (NEW.outcome <> 0 OR NEW.hot_lead_at IS NOT NULL) EXECUTE FUNCTION leida_webhook_profile();
CREATE TRIGGER customer_profiles_webhook_update AFTER UPDATE OF outcome, hot_lead_at ON customer_profiles
    FOR EACH ROW WHEN (NEW.outcome IS DISTINCT FROM OLD.outcome OR NEW.hot_lead_at IS DISTINCT FROM OLD.hot_lead_at)
    EXECUTE FUNCTION leida_webhook_profile();

-- +goose Down
DROP TRIGGER customer_profiles_webhook_update ON customer_profiles;
DROP TRIGGER customer_profiles_webhook_insert ON customer_profiles;
DROP FUNCTION leida_webhook_profile();
DROP TRIGGER chat_messages_webhook ON chat_messages;
DROP FUNCTION leida_webhook_chat();
DROP TRIGGER access_logs_webhook ON access_logs;
DROP FUNCTION leida_webhook_radar();
DROP FUNCTION leida_webhook_subscribed(bigint, text);
DROP TRIGGER webhook_events_fanout ON webhook_events;
DROP FUNCTION leida_webhook_fanout();
DROP TABLE webhook_deliveries;
DROP TABLE webhook_events;
DROP TABLE webhook_endpoints;
