-- +goose Up
-- The tenant key leads the uniqueness of tenant-owned rows (ARCHITECTURE.md:
-- company_id is part of every key): one praise state, one follow-up relation
-- and one belonger row per (company, rep, customer), and a rep's card tags
-- and own phrases are unique within the rep's company. The upserts' ON
-- CONFLICT targets name these columns. The old keys guaranteed no
-- duplicates, so the wider ones cannot fail on existing rows.
ALTER TABLE praises DROP CONSTRAINT praises_user_id_customer_id_key;
ALTER TABLE praises ADD CONSTRAINT praises_company_user_customer_key UNIQUE (company_id, user_id, customer_id);

ALTER TABLE follow_ups DROP CONSTRAINT follow_ups_user_id_customer_id_key;
ALTER TABLE follow_ups ADD CONSTRAINT follow_ups_company_user_customer_key UNIQUE (company_id, user_id, customer_id);

ALTER TABLE customer_belongers DROP CONSTRAINT customer_belongers_user_id_customer_id_key;
ALTER TABLE customer_belongers ADD CONSTRAINT customer_belongers_company_user_customer_key UNIQUE (company_id, user_id, customer_id);

ALTER TABLE user_tags DROP CONSTRAINT user_tags_user_id_name_key;
ALTER TABLE user_tags ADD CONSTRAINT user_tags_company_user_name_key UNIQUE (company_id, user_id, name);

-- Global phrases have neither company nor owner (CHECK in 00002).
DROP INDEX phrases_owner_text_key;
CREATE UNIQUE INDEX phrases_owner_text_key ON phrases (COALESCE(company_id, 0), COALESCE(user_id, 0), text);

-- +goose Down
-- Restores the keys without the company. Rows the wider keys allowed and the
-- narrower ones do not (a rep moved to another company who then wrote the
-- same pair there) make this fail, and the transaction leaves everything as
-- it was: nothing is deleted to go down.
DROP INDEX phrases_owner_text_key;
CREATE UNIQUE INDEX phrases_owner_text_key ON phrases (COALESCE(user_id, 0), text);

ALTER TABLE user_tags DROP CONSTRAINT user_tags_company_user_name_key;
ALTER TABLE user_tags ADD CONSTRAINT user_tags_user_id_name_key UNIQUE (user_id, name);

ALTER TABLE customer_belongers DROP CONSTRAINT customer_belongers_company_user_customer_key;
ALTER TABLE customer_belongers ADD CONSTRAINT customer_belongers_user_id_customer_id_key UNIQUE (user_id, customer_id);

ALTER TABLE follow_ups DROP CONSTRAINT follow_ups_company_user_customer_key;
ALTER TABLE follow_ups ADD CONSTRAINT follow_ups_user_id_customer_id_key UNIQUE (user_id, customer_id);

ALTER TABLE praises DROP CONSTRAINT praises_company_user_customer_key;
ALTER TABLE praises ADD CONSTRAINT praises_user_id_customer_id_key UNIQUE (user_id, customer_id);
