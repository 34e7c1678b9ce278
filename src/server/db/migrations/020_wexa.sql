-- Wexa AI: an account's projects, their connectors and agentflows, and the executions of those
-- agentflows. Every row carries the owning account_id; the composite foreign keys make a child
-- belong to a project (and an execution to an agentflow of that project) of the SAME account.
-- Connector credentials (W4's data_loader_config.auth) live only in vault_secrets (auth_secret_id).
create table wexa_projects (
  id text primary key check (id ~ '^[0-9a-f]{24}$'),
  account_id text not null,
  name text not null,
  seq bigserial not null,
  created_at timestamptz not null default now(),
  constraint wexa_projects_scope_key unique (id, account_id)
);

create table wexa_agentflows (
  id text primary key check (id ~ '^[0-9a-f]{24}$'),
  account_id text not null,
  project_id text not null,
  name text not null,
  seq bigserial not null,
  created_at timestamptz not null default now(),
  constraint wexa_agentflows_project_fk foreign key (project_id, account_id) references wexa_projects (id, account_id) on delete cascade,
  constraint wexa_agentflows_scope_key unique (id, project_id, account_id)
);

create table wexa_connectors (
  id text primary key check (id ~ '^[0-9a-f]{24}$'),
  account_id text not null,
  project_id text not null,
  name text not null check (name <> ''),
  description text,
  category text not null,
  status text not null check (status in ('pending', 'active', 'inactive')),
  -- {source, batch_size} as W4 last set it; the check keeps credentials out of the row whatever the code does.
  data_loader_config jsonb check (data_loader_config is null or not (data_loader_config ? 'auth')),
  auth_secret_id uuid unique references vault_secrets (id),
  seq bigserial not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint wexa_connectors_project_fk foreign key (project_id, account_id) references wexa_projects (id, account_id) on delete cascade
);

create index wexa_connectors_project on wexa_connectors (account_id, project_id, seq);

-- An execution is a state machine advanced by the simulation clock (src/server/apis/wexa/executionLifecycle.ts).
-- The clock lives in the row, so a restarted server, or a second one on the same PostgreSQL, carries on.
create table wexa_executions (
  id uuid primary key,
  account_id text not null,
  project_id text not null,
  agentflow_id text not null,
  executed_by text not null,
  goal text not null,
  input_variables jsonb not null,
  status text not null check (status in ('ready', 'running', 'paused', 'completed', 'failed', 'cancelled')),
  -- Length of one agent step, fixed when W8 starts it (a restart with another SIM_STEP_MS keeps its timing).
  step_ms integer check (step_ms > 0),
  steps_done integer not null default 0 check (steps_done >= 0),
  tokens_used integer not null default 0 check (tokens_used >= 0),
  -- Running time accumulated up to running_since (all of it once it no longer runs); null before W8.
  execution_time_ms integer check (execution_time_ms >= 0),
  running_since timestamptz,
  next_transition_at timestamptz,
  -- What was left of the current step when it was paused.
  remaining_ms integer check (remaining_ms >= 0),
  started_at timestamptz,
  finished_at timestamptz,
  conclusion text,
  error_messages jsonb not null default '[]',
  debug_info jsonb,
  seq bigserial not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint wexa_executions_agentflow_fk foreign key (agentflow_id, project_id, account_id)
    references wexa_agentflows (id, project_id, account_id) on delete cascade,
  -- Each status has exactly the clock it needs: only a running execution is due, only a paused one
  -- keeps a remainder, and exactly the finished ones have finished_at.
  constraint wexa_executions_running_clock check ((status = 'running') = (next_transition_at is not null and running_since is not null)),
  constraint wexa_executions_paused_clock check ((status = 'paused') = (remaining_ms is not null)),
  constraint wexa_executions_finished check ((status in ('completed', 'failed', 'cancelled')) = (finished_at is not null)),
  constraint wexa_executions_started check (status = 'ready' or (status = 'cancelled' and started_at is null) or started_at is not null)
);

create index wexa_executions_due on wexa_executions (next_transition_at) where status = 'running';
create index wexa_executions_project on wexa_executions (account_id, project_id, created_at desc, seq desc);
create index wexa_executions_agentflow on wexa_executions (account_id, agentflow_id);
