-- Which APIs have had their seed data loaded (so a restart does not load it twice).
create table seed_state (
  api text primary key,
  seeded_at timestamptz not null default now()
);
