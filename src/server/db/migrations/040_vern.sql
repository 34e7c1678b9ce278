-- Vern: migrations, their live API source connections, and the runs of the managed agent.
-- Sources, templates and connector keys are global catalog data held in memory (fixtures/vern/).
-- Connector credentials are secrets: a connection row keeps only credentials_secret_id, the
-- values live in vault_secrets; a run row keeps the credential request (schema, guidance), never values.
create table vern_migrations (
  id uuid primary key,
  account_id text not null,
  name text not null,
  source text,
  external_id text,
  status text not null default 'awaiting_files',
  -- The workbook's sheets, in order: [{slug, name, sheet_id}], one per template chosen at creation.
  sheets jsonb not null default '[]',
  -- The run whose preview update, clarify and execute resume; null while there is no current preview.
  preview_run_id uuid,
  seq bigserial not null,
  created_at timestamptz not null default now()
);

-- Creation is idempotent per external_id: the database holds it under concurrent creates.
create unique index vern_migrations_external_id_key on vern_migrations (account_id, external_id) where external_id is not null;

create table vern_source_connections (
  id uuid primary key,
  account_id text not null,
  migration_id uuid not null references vern_migrations (id) on delete cascade,
  source_key text not null,
  -- null = bound to the workbook itself rather than a profile.
  profile_id text,
  config jsonb not null default '{}',
  selected_streams jsonb,
  stream_state jsonb not null default '{}',
  credentials_secret_id uuid,
  bound_source_extractor_id uuid,
  last_snapshot jsonb,
  last_sync_at timestamptz,
  seq bigserial not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- One connection per (migration, connector, profile); the workbook binding (null) counts as one profile.
create unique index vern_source_connections_key on vern_source_connections (migration_id, source_key, profile_id) nulls not distinct;

create table vern_runs (
  id uuid primary key,
  account_id text not null,
  migration_id uuid not null references vern_migrations (id) on delete cascade,
  kind text not null check (kind in ('generate', 'update', 'clarify', 'execute')),
  status text not null check (status in ('queued', 'running', 'blocked', 'awaiting_approval', 'completed', 'failed', 'canceled')),
  -- Index into the kind's stages (runMachine.ts); the stage whose work is in progress.
  stage integer not null default 0,
  message text,
  connection_id uuid references vern_source_connections (id) on delete set null,
  blocked_reason text check (blocked_reason in ('question', 'credentials')),
  questions jsonb,
  credential_request jsonb,
  answers jsonb,
  report jsonb,
  error text,
  -- When the simulation clock moves a queued or running run on; null while it waits or is done.
  next_transition_at timestamptz,
  seq bigserial not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint vern_runs_blocked_reason check ((status = 'blocked') = (blocked_reason is not null))
);

-- One run at a time per migration, held by the database under concurrent starts and resumes.
create unique index vern_runs_one_active on vern_runs (migration_id) where status in ('queued', 'running', 'blocked');

create index vern_runs_due on vern_runs (next_transition_at) where status in ('queued', 'running');
