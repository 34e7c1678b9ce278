-- EvalStudio: projects and their LangGraph connectors. Header values are secrets: the row keeps
-- only the header names; the values live in vault_secrets (headers_secret_id).
create table evalstudio_projects (
  id uuid primary key,
  name text not null,
  seq bigserial not null,
  created_at timestamptz not null default now()
);

create table evalstudio_connectors (
  id uuid primary key,
  project_id uuid not null references evalstudio_projects (id) on delete cascade,
  name text not null,
  type text not null,
  base_url text not null,
  header_names jsonb not null default '[]',
  headers_secret_id uuid,
  config jsonb,
  seq bigserial not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- 'Connector with name "X" already exists' holds under concurrent creates because the database enforces it.
  constraint evalstudio_connectors_name_key unique (project_id, name)
);
