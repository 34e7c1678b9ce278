-- The secret vault: the only table that holds secret values, and only encrypted (AES-256-GCM).
-- Resource rows refer to a secret by id; no resource row ever holds a secret value.
create table vault_secrets (
  id uuid primary key,
  api text not null,
  purpose text not null,
  ciphertext bytea not null,
  nonce bytea not null,
  auth_tag bytea not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
