-- +goose Up
-- Which reps a customer belongs to, and how the customer came (1 扫码, 2 转发).
CREATE TABLE customer_belongers (
    id          bigserial PRIMARY KEY,
    company_id  bigint      NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    user_id     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    customer_id bigint      NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    source      smallint    NOT NULL DEFAULT 1 CHECK (source IN (1, 2)),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, customer_id)
);
CREATE INDEX customer_belongers_company_idx ON customer_belongers (company_id, customer_id);
CREATE INDEX customer_belongers_user_idx ON customer_belongers (company_id, user_id, source);

-- What one company knows about a customer.
CREATE TABLE customer_profiles (
    id            bigserial PRIMARY KEY,
    company_id    bigint      NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    customer_id   bigint      NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    memo_name     varchar(64),
    expected_time date,
    expedted_pr   varchar(64),
    superior_id   bigint      REFERENCES customers (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (company_id, customer_id)
);

-- The customer's details as one company recorded them (E06).
CREATE TABLE customer_information (
    id          bigserial PRIMARY KEY,
    company_id  bigint       NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    customer_id bigint       NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    phone       varchar(20),
    email       varchar(254),
    company     varchar(256),
    position    varchar(256),
    address     text         NOT NULL DEFAULT '',
    birthday    date,
    mem         text         NOT NULL DEFAULT '',
    created_at  timestamptz  NOT NULL DEFAULT now(),
    UNIQUE (company_id, customer_id)
);

-- Tag groups (parent_id NULL) and tags, per company.
CREATE TABLE tags (
    id         bigserial PRIMARY KEY,
    company_id bigint      NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    parent_id  bigint      REFERENCES tags (id) ON DELETE CASCADE,
    user_id    bigint      REFERENCES users (id) ON DELETE SET NULL,
    name       varchar(64) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX tags_group_name_key ON tags (company_id, name) WHERE parent_id IS NULL;
CREATE INDEX tags_company_idx ON tags (company_id, parent_id, id);
-- A rep's custom tags have distinct names (E23).
CREATE UNIQUE INDEX tags_creator_name_key ON tags (company_id, user_id, name) WHERE user_id IS NOT NULL;

-- Every company has the tag groups 基本功能, 关注点, 级别, 自定义 with the
-- example tags of the API document (new companies get them from the
-- application: domain/tag.DefaultGroups, which this list mirrors).
INSERT INTO tags (company_id, name)
SELECT c.id, g.name
FROM companies c
CROSS JOIN (VALUES (1, '基本功能'), (2, '关注点'), (3, '级别'), (4, '自定义')) AS g (ord, name)
ORDER BY c.id, g.ord
ON CONFLICT (company_id, name) WHERE parent_id IS NULL DO NOTHING;

INSERT INTO tags (company_id, parent_id, name)
SELECT g.company_id, g.id, t.name
FROM tags g
JOIN (VALUES (1, '基本功能', '已婚'), (2, '基本功能', '90后'),
             (3, '关注点', '在意质量'), (4, '关注点', '在意服务'),
             (5, '级别', '一般客户'), (6, '级别', '重要客户')) AS t (ord, grp, name) ON t.grp = g.name
WHERE g.parent_id IS NULL
ORDER BY g.company_id, t.ord;

CREATE TABLE customer_tags (
    company_id  bigint      NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    tag_id      bigint      NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    customer_id bigint      NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tag_id, customer_id)
);
CREATE INDEX customer_tags_customer_idx ON customer_tags (company_id, customer_id);

-- One follow-up relation per (rep, customer).
CREATE TABLE follow_ups (
    id                 bigserial PRIMARY KEY,
    company_id         bigint      NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    user_id            bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    customer_id        bigint      NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    last_follow_time   timestamptz,
    last_activity_time timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, customer_id)
);
CREATE INDEX follow_ups_company_user_idx ON follow_ups (company_id, user_id);
CREATE INDEX follow_ups_company_customer_idx ON follow_ups (company_id, customer_id);

CREATE TABLE follow_notes (
    id           bigserial PRIMARY KEY,
    company_id   bigint       NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    follow_up_id bigint       NOT NULL REFERENCES follow_ups (id) ON DELETE CASCADE,
    note         varchar(256) NOT NULL,
    created_at   timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX follow_notes_follow_up_idx ON follow_notes (follow_up_id, id);

-- Canned follow-up phrases: global (no owner, no company) or a rep's own.
CREATE TABLE phrases (
    id         bigserial PRIMARY KEY,
    company_id bigint       REFERENCES companies (id) ON DELETE CASCADE,
    user_id    bigint       REFERENCES users (id) ON DELETE CASCADE,
    text       varchar(256) NOT NULL,
    created_at timestamptz  NOT NULL DEFAULT now(),
    CHECK ((user_id IS NULL) = (company_id IS NULL))
);
CREATE UNIQUE INDEX phrases_owner_text_key ON phrases (COALESCE(user_id, 0), text);
CREATE INDEX phrases_user_idx ON phrases (user_id, created_at DESC);

-- The global phrases everyone sees (legacy-api.md 3.14); listed newest first,
-- so the last inserted shows first. Mirrors domain/followup.GlobalPhrases.
INSERT INTO phrases (text)
SELECT p.text
FROM (VALUES (1, '客户查看了公司产品,有合作意向'), (2, '标记一下,客户有合作意向'), (3, '计划近期安排拜访'),
             (4, '意向客户,需安排拜访'), (5, '见面聊过,客户有合作意向'), (6, '曾拜访过的客户'),
             (7, '标记一下,需要给客户发送报价'), (8, '已发报价,待客户反馈'), (9, '已成交客户,维护好后续关系'),
             (10, '客户多次查看小程序,合作意向强烈')) AS p (ord, text)
ORDER BY p.ord;

-- +goose Down
DROP TABLE phrases;
DROP TABLE follow_notes;
DROP TABLE follow_ups;
DROP TABLE customer_tags;
DROP TABLE tags;
DROP TABLE customer_information;
DROP TABLE customer_profiles;
DROP TABLE customer_belongers;
