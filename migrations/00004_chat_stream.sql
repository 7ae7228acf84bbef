-- +goose Up
-- Chat between a rep (user) and a customer, per company. send_type 1 = rep to
-- customer, 2 = customer to rep. is_read is consumed by the RECIPIENT only
-- (D8, legacy-api 5.7): the rep reads send_type 2, the customer send_type 1.
-- The contact list's "latest message" is derived by query; there is no
-- is_last_msg flag.
CREATE TABLE chat_messages (
    id          bigserial PRIMARY KEY,
    company_id  bigint      NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    user_id     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    customer_id bigint      NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    send_type   smallint    NOT NULL CHECK (send_type IN (1, 2)),
    msg         text        NOT NULL DEFAULT '',
    is_read     boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now()
);
-- History, contact list (DISTINCT ON customer) and conversation reads.
CREATE INDEX chat_messages_conversation_idx ON chat_messages (company_id, user_id, customer_id, created_at DESC);
-- Unread messages per recipient side (getmsg polls, history marking).
CREATE INDEX chat_messages_unread_idx ON chat_messages (company_id, user_id, customer_id, send_type, id) WHERE NOT is_read;
-- A customer's conversations across reps (customer side, customer deletion).
CREATE INDEX chat_messages_customer_idx ON chat_messages (customer_id, user_id);

-- Push streams (D8). Every event is addressed to one principal: kind 1 = an
-- enterprise user, 2 = a customer. seq increases per principal without gaps
-- and in commit order (the cursor row is locked until the writing
-- transaction commits), so a reader that resumes after seq N never skips an
-- event committed later with a smaller number. seq is the SSE `id:`.
CREATE TABLE stream_cursors (
    principal_kind smallint NOT NULL CHECK (principal_kind IN (1, 2)),
    principal_id   bigint   NOT NULL,
    last_seq       bigint   NOT NULL,
    PRIMARY KEY (principal_kind, principal_id)
);

CREATE TABLE stream_events (
    id             bigserial PRIMARY KEY,
    principal_kind smallint    NOT NULL CHECK (principal_kind IN (1, 2)),
    principal_id   bigint      NOT NULL,
    seq            bigint      NOT NULL,
    company_id     bigint      NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    event          text        NOT NULL,
    payload        jsonb       NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (principal_kind, principal_id, seq)
);
-- Pruning of old events.
CREATE INDEX stream_events_created_idx ON stream_events (created_at);

-- leida_stream_push appends one event for a principal and notifies every
-- listening `leida serve` (delivered at commit). Payload: kind:id:seq.
-- +goose StatementBegin
CREATE FUNCTION leida_stream_push(p_kind smallint, p_id bigint, p_company bigint, p_event text, p_payload jsonb)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    s bigint;
BEGIN
    INSERT INTO stream_cursors AS c (principal_kind, principal_id, last_seq) VALUES (p_kind, p_id, 1)
    ON CONFLICT (principal_kind, principal_id) DO UPDATE SET last_seq = c.last_seq + 1
    RETURNING c.last_seq INTO s;
    INSERT INTO stream_events (principal_kind, principal_id, seq, company_id, event, payload)
    VALUES (p_kind, p_id, s, p_company, p_event, p_payload);
    PERFORM pg_notify('leida_stream', p_kind || ':' || p_id || ':' || s);
END $$;
-- +goose StatementEnd

-- A chat message is pushed to its recipient: the customer for send_type 1,
-- the rep for send_type 2.
-- +goose StatementBegin
CREATE FUNCTION leida_stream_chat() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cu record;
BEGIN
    SELECT username, headimgurl INTO cu FROM customers WHERE id = NEW.customer_id;
    PERFORM leida_stream_push(
        (CASE WHEN NEW.send_type = 1 THEN 2 ELSE 1 END)::smallint,
        CASE WHEN NEW.send_type = 1 THEN NEW.customer_id ELSE NEW.user_id END,
        NEW.company_id, 'chat',
        jsonb_build_object('id', NEW.id, 'user_id', NEW.user_id, 'customer_id', NEW.customer_id,
            'send_type', NEW.send_type, 'msg', NEW.msg, 'created_at', NEW.created_at,
            'customer_username', COALESCE(cu.username, ''), 'customer_headimgurl', COALESCE(cu.headimgurl, '')));
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER chat_messages_stream AFTER INSERT ON chat_messages
    FOR EACH ROW EXECUTE FUNCTION leida_stream_chat();

-- A new access log (the radar, E47 item) is pushed to its rep.
-- +goose StatementBegin
CREATE FUNCTION leida_stream_radar() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    name text;
BEGIN
    SELECT username INTO name FROM customers WHERE id = NEW.customer_id;
    PERFORM leida_stream_push(1::smallint, NEW.user_id, NEW.company_id, 'radar',
        jsonb_build_object('id', NEW.id, 'user_id', NEW.user_id, 'customer_id', NEW.customer_id,
            'action', NEW.action, 'remark', NEW.remark, 'created_at', NEW.created_at,
            'customer_username', COALESCE(name, '')));
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER access_logs_stream AFTER INSERT ON access_logs
    FOR EACH ROW EXECUTE FUNCTION leida_stream_radar();

-- +goose Down
DROP TRIGGER IF EXISTS access_logs_stream ON access_logs;
DROP FUNCTION IF EXISTS leida_stream_radar();
DROP TRIGGER IF EXISTS chat_messages_stream ON chat_messages;
DROP FUNCTION IF EXISTS leida_stream_chat();
DROP FUNCTION IF EXISTS leida_stream_push(smallint, bigint, bigint, text, jsonb);
DROP TABLE stream_events;
DROP TABLE stream_cursors;
DROP TABLE chat_messages;
