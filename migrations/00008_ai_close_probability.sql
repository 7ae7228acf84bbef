-- +goose Up
-- The AI close probability (D10). How a deal ended and the stored score
-- belong to the company's profile of the customer (D6).
ALTER TABLE customer_profiles
    ADD COLUMN outcome      smallint    NOT NULL DEFAULT 0 CHECK (outcome IN (0, 1, 2)), -- 0 open, 1 won, 2 lost
    ADD COLUMN closed_at    date,
    ADD COLUMN ai_pr        smallint    CHECK (ai_pr BETWEEN 1 AND 99),
    ADD COLUMN ai_tier      char(1),
    ADD COLUMN ai_reasons   jsonb,
    ADD COLUMN ai_scored_at timestamptz,
    -- The hot-lead alert: the score a day ago (baseline) and the last alert.
    ADD COLUMN ai_baseline    smallint,
    ADD COLUMN ai_baseline_at timestamptz,
    ADD COLUMN hot_lead_at    timestamptz;
-- Closed deals per company (training), open customers (rescoring).
CREATE INDEX customer_profiles_outcome_idx ON customer_profiles (company_id, outcome, closed_at);

-- One trained model per company, with the bin counts it was trained on:
-- the counts (never rows) are what is pooled across companies.
CREATE TABLE ai_models (
    company_id     bigint      PRIMARY KEY REFERENCES companies (id) ON DELETE CASCADE,
    kind           text        NOT NULL,
    model          jsonb       NOT NULL,
    counts         jsonb       NOT NULL,
    deals          integer     NOT NULL,
    won            integer     NOT NULL,
    lost           integer     NOT NULL,
    auc            double precision,
    brier          double precision,
    holdout        integer     NOT NULL DEFAULT 0,
    -- outcomes set since this model was trained (a retrain every 20)
    new_outcomes   integer     NOT NULL DEFAULT 0,
    trained_at     timestamptz NOT NULL
);

-- Customers to rescore: whatever changes what the model sees (a radar
-- event, a chat message, a follow-up note, the profile) queues the customer
-- in the same transaction; a worker in `leida serve` takes them in batches.
-- Append-only, no unique key on the customer: a unique key made concurrent
-- writers about one customer wait for each other's uncommitted queue row
-- (ON CONFLICT waits), a lock across reps that deadlocked card views. The
-- worker takes rows by id and scores each customer once.
CREATE TABLE ai_rescore (
    id          bigserial   PRIMARY KEY,
    company_id  bigint      NOT NULL,
    customer_id bigint      NOT NULL,
    queued_at   timestamptz NOT NULL DEFAULT now()
);

-- +goose StatementBegin
CREATE FUNCTION leida_ai_queue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'follow_notes' THEN
        INSERT INTO ai_rescore (company_id, customer_id)
        SELECT DISTINCT f.company_id, f.customer_id FROM delta d JOIN follow_ups f ON f.id = d.follow_up_id
        ORDER BY 1, 2;
    ELSE
        INSERT INTO ai_rescore (company_id, customer_id)
        SELECT DISTINCT company_id, customer_id FROM delta ORDER BY 1, 2;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER access_logs_ai_queue AFTER INSERT ON access_logs
    REFERENCING NEW TABLE AS delta FOR EACH STATEMENT EXECUTE FUNCTION leida_ai_queue();
CREATE TRIGGER chat_messages_ai_queue AFTER INSERT ON chat_messages
    REFERENCING NEW TABLE AS delta FOR EACH STATEMENT EXECUTE FUNCTION leida_ai_queue();
CREATE TRIGGER follow_notes_ai_queue AFTER INSERT ON follow_notes
    REFERENCING NEW TABLE AS delta FOR EACH STATEMENT EXECUTE FUNCTION leida_ai_queue();

-- +goose Down
DROP TRIGGER follow_notes_ai_queue ON follow_notes;
DROP TRIGGER chat_messages_ai_queue ON chat_messages;
DROP TRIGGER access_logs_ai_queue ON access_logs;
DROP FUNCTION leida_ai_queue();
DROP TABLE ai_rescore;
DROP TABLE ai_models;
DROP INDEX customer_profiles_outcome_idx;
ALTER TABLE customer_profiles
    DROP COLUMN hot_lead_at, DROP COLUMN ai_baseline_at, DROP COLUMN ai_baseline,
    DROP COLUMN ai_scored_at, DROP COLUMN ai_reasons, DROP COLUMN ai_tier, DROP COLUMN ai_pr,
    DROP COLUMN closed_at, DROP COLUMN outcome;
