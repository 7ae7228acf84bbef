-- +goose Up
-- A company's departments, kept in line with its WeCom directory (A14), and
-- its users' membership of them (A13). wecom_id is WeCom's id of the
-- department (0 until WeCom has it); names are unique within a company.
CREATE TABLE departments (
    id         bigserial PRIMARY KEY,
    company_id bigint      NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    name       varchar(64) NOT NULL,
    -- a department with children is not deleted (304)
    parent_id  bigint      REFERENCES departments (id) ON DELETE RESTRICT,
    wecom_id   bigint      NOT NULL DEFAULT 0,
    sort_order bigint      NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX departments_name_key ON departments (company_id, name);
CREATE UNIQUE INDEX departments_wecom_key ON departments (company_id, wecom_id) WHERE wecom_id <> 0;
CREATE INDEX departments_parent_idx ON departments (parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE user_departments (
    company_id    bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- a department with live members is not deleted (304, checked by the
    -- store); the memberships of deleted (hidden) users go with it
    department_id bigint NOT NULL REFERENCES departments (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, department_id)
);
CREATE INDEX user_departments_department_idx ON user_departments (company_id, department_id);

-- The daily synchronisation's claim: one instance a day per company.
ALTER TABLE companies ADD COLUMN directory_synced_at timestamptz;

-- +goose Down
ALTER TABLE companies DROP COLUMN directory_synced_at;
DROP TABLE user_departments;
DROP TABLE departments;
