-- +goose Up
-- Failed password logins (D5 rate limit), shared by every instance.
CREATE TABLE login_failures (
    id         bigserial PRIMARY KEY,
    username   varchar(64) NOT NULL,
    client_ip  varchar(64) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_username_idx ON login_failures (username, created_at);
CREATE INDEX login_failures_ip_idx ON login_failures (client_ip, created_at);
CREATE INDEX login_failures_created_idx ON login_failures (created_at);

-- +goose Down
DROP TABLE login_failures;
