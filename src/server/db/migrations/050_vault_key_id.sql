-- Each secret records the id of the key that encrypted it (first 8 bytes of SHA-256 over the key,
-- never the key), so a start with another VAULT_KEY is one clear error instead of every read
-- failing. Rows written before this column get their id at the next start, from the key they
-- decrypt with (src/server/secrets/vaultKeyCheck.ts): SQL cannot try a key.
alter table vault_secrets add column key_id text;
