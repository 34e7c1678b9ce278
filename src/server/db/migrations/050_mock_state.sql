-- State a team owns through /__admin: accounts made for parallel end-to-end tests, and named snapshots.
-- One row per key: an account made through /__admin has one key for each API that has keys.
create table mock_account_keys (
  key text primary key,
  api text not null,
  account_id text not null,
  label text not null,
  -- What the account was given to start with (e.g. Wexa's project and agentflow ids), per API.
  provisioned jsonb not null default '{}',
  created_at timestamptz not null default now()
);

create index mock_account_keys_account on mock_account_keys (account_id);

-- A snapshot holds, per table, the rows as JSON (to_jsonb of each row): vault rows stay ciphertext.
create table mock_snapshots (
  name text primary key,
  apis text[] not null,
  tables jsonb not null,
  created_at timestamptz not null default now()
);
