-- +goose Up
CREATE TABLE companies (
    id               bigserial PRIMARY KEY,
    name             varchar(128) NOT NULL,
    area             varchar(128) NOT NULL DEFAULT '',
    address          text         NOT NULL DEFAULT '',
    corp_id          varchar(128) NOT NULL DEFAULT '',
    tongxunlu_secret varchar(256) NOT NULL DEFAULT '',
    created_at       timestamptz  NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX companies_name_key ON companies (name);

CREATE TABLE roles (
    id         bigserial PRIMARY KEY,
    name       varchar(32) NOT NULL,
    level      smallint    NOT NULL DEFAULT 3 CHECK (level BETWEEN 1 AND 3),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX roles_name_key ON roles (name);

CREATE TABLE users (
    id             bigserial PRIMARY KEY,
    company_id     bigint       NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    wecom_userid   varchar(64)  NOT NULL DEFAULT '',
    username       varchar(32)  NOT NULL,
    password_hash  varchar(255) NOT NULL DEFAULT '',
    gender         smallint     NOT NULL DEFAULT 1,
    position       varchar(128) NOT NULL DEFAULT '',
    role_id        bigint       REFERENCES roles (id) ON DELETE SET NULL,
    telephone      varchar(20)  NOT NULL DEFAULT '',
    phone          varchar(20)  NOT NULL DEFAULT '',
    wechat         varchar(64)  NOT NULL DEFAULT '',
    email          varchar(254) NOT NULL DEFAULT '',
    wechat_phone   varchar(20)  NOT NULL DEFAULT '',
    mingpian_phone varchar(20)  NOT NULL DEFAULT '',
    is_show_phone  boolean      NOT NULL DEFAULT true,
    country        smallint     NOT NULL DEFAULT 0,
    token          char(32)     NOT NULL,
    avatar         varchar(256) NOT NULL DEFAULT 'statics/imgs/setAvator.jpg',
    qr_code        varchar(256) NOT NULL DEFAULT '',
    status         smallint     NOT NULL DEFAULT 2 CHECK (status IN (1, 2)),
    popularity     integer      NOT NULL DEFAULT 0,
    praise         integer      NOT NULL DEFAULT 0,
    forward        integer      NOT NULL DEFAULT 0,
    sign           text         NOT NULL DEFAULT '',
    created_at     timestamptz  NOT NULL DEFAULT now(),
    last_login_at  timestamptz,
    deleted_at     timestamptz
);
CREATE INDEX users_company_idx ON users (company_id, created_at DESC);
CREATE INDEX users_role_idx ON users (role_id) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX users_token_key ON users (token);
-- Password login finds users by name: a live user with a password owns it.
CREATE UNIQUE INDEX users_login_name_key ON users (username) WHERE deleted_at IS NULL AND password_hash <> '';
-- One live member per WeCom UserID in a company.
CREATE UNIQUE INDEX users_wecom_key ON users (company_id, wecom_userid) WHERE deleted_at IS NULL AND wecom_userid <> '';

CREATE TABLE permissions (
    id           bigserial PRIMARY KEY,
    path         varchar(64) NOT NULL,
    icon         varchar(64) NOT NULL DEFAULT '',
    title        varchar(64) NOT NULL,
    parent_id    bigint      REFERENCES permissions (id) ON DELETE RESTRICT,
    order_num    integer     NOT NULL,
    oper_user_id bigint      REFERENCES users (id) ON DELETE SET NULL,
    component    varchar(64) NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX permissions_path_key ON permissions (path);
CREATE UNIQUE INDEX permissions_title_key ON permissions (title);
CREATE INDEX permissions_parent_idx ON permissions (parent_id);

-- The shared WeChat identity of a customer; what each company knows about
-- the customer lives in company-owned tables.
CREATE TABLE customers (
    id         bigserial PRIMARY KEY,
    openid     varchar(64)  NOT NULL,
    user_type  smallint     NOT NULL DEFAULT 2 CHECK (user_type IN (1, 2)),
    username   varchar(64)  NOT NULL DEFAULT '',
    headimgurl varchar(256) NOT NULL DEFAULT 'statics/imgs/Avator.jpg',
    sex        smallint     NOT NULL DEFAULT 1,
    token      char(32)     NOT NULL,
    created_at timestamptz  NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX customers_openid_key ON customers (openid, user_type);
CREATE UNIQUE INDEX customers_token_key ON customers (token);

-- +goose Down
DROP TABLE customers;
DROP TABLE permissions;
DROP TABLE users;
DROP TABLE roles;
DROP TABLE companies;
