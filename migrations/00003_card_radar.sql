-- +goose Up
-- The radar's event log: one row per customer action on a rep's card.
-- company_id is the card owner's company; is_new is the unread flag of the
-- new-event feed (E47) and the timeline (E31).
CREATE TABLE access_logs (
    id           bigserial PRIMARY KEY,
    company_id   bigint      NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    customer_id  bigint      NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    action       smallint    NOT NULL CHECK (action BETWEEN 1 AND 12),
    remark       text        NOT NULL,
    is_new       boolean     NOT NULL DEFAULT true,
    follow_up_id bigint      REFERENCES follow_ups (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
-- Radar reads by rep (E31–E33); customer_id and action ride along so the
-- counts are index-only scans. NULLS LAST matches the list ordering
-- (MySQL's NULL placement, applyOrder), so the newest page is read straight
-- from the index (created_at is never NULL).
CREATE INDEX access_logs_user_idx ON access_logs (company_id, user_id, created_at DESC NULLS LAST) INCLUDE (customer_id, action);
-- A customer's history (A5, card-view counts, customer deletion).
CREATE INDEX access_logs_customer_idx ON access_logs (company_id, customer_id, created_at DESC);
-- The unread feed (E47).
CREATE INDEX access_logs_unread_idx ON access_logs (company_id, user_id, id) WHERE is_new;
-- ON DELETE SET NULL of follow-up relations.
CREATE INDEX access_logs_follow_up_idx ON access_logs (follow_up_id) WHERE follow_up_id IS NOT NULL;

-- "觉得靠谱": one praise state per (rep, customer).
CREATE TABLE praises (
    id          bigserial PRIMARY KEY,
    company_id  bigint      NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    user_id     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    customer_id bigint      NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    up          boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, customer_id)
);
CREATE INDEX praises_company_customer_idx ON praises (company_id, customer_id);

-- Labels a rep puts on their own card (E49–E52).
CREATE TABLE user_tags (
    id         bigserial PRIMARY KEY,
    company_id bigint      NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       varchar(64) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, name)
);

-- Photos on a rep's card (A7); photo_url is relative to the server root.
CREATE TABLE user_photos (
    id         bigserial PRIMARY KEY,
    company_id bigint       NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    user_id    bigint       NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    photo_url  varchar(256) NOT NULL DEFAULT '',
    created_at timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX user_photos_user_idx ON user_photos (user_id, id);

-- +goose Down
DROP TABLE user_photos;
DROP TABLE user_tags;
DROP TABLE praises;
DROP TABLE access_logs;
