-- Merge Agent Handler: tool packs and the connectors attached to them. The connector catalogue is
-- global, read-only data (fixtures/merge/catalogue.json) held in memory, so it has no table here;
-- a pack's connector row names its catalogue connector by slug. Nothing here is a secret.
create table merge_tool_packs (
  id uuid primary key,
  account_id text not null,
  name text not null,
  description text not null,
  seq bigserial not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Lets the connectors' foreign key carry the account too, so a connector row can never belong
  -- to one account while its pack belongs to another.
  constraint merge_tool_packs_account_key unique (id, account_id)
);

create index merge_tool_packs_account_idx on merge_tool_packs (account_id, seq);

create table merge_tool_pack_connectors (
  tool_pack_id uuid not null,
  account_id text not null,
  slug text not null,
  auth_scope text not null check (auth_scope in ('INDIVIDUAL', 'SHARED', 'ORGANIZATION')),
  -- The names of the enabled tools (a JSON array of strings, never empty: `[]` detaches).
  enabled_tools jsonb not null,
  -- Attach order: a connector keeps its place while it stays in the pack.
  seq bigserial not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint merge_tool_pack_connectors_pack_fkey foreign key (tool_pack_id, account_id)
    references merge_tool_packs (id, account_id) on delete cascade,
  -- A connector is in a pack at most once, whatever two concurrent writers do.
  constraint merge_tool_pack_connectors_slug_key unique (tool_pack_id, slug),
  constraint merge_tool_pack_connectors_tools_check check (jsonb_typeof(enabled_tools) = 'array' and jsonb_array_length(enabled_tools) > 0)
);
