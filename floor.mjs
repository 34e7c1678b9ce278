import http from "node:http";
import pg from "pg";
import { randomUUID } from "node:crypto";
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query("create table if not exists floor_packs (id uuid primary key, account_id text, name text, description text, created_at timestamptz default now())");
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", async () => {
    const body = JSON.parse(Buffer.concat(chunks).toString());
    const r = await pool.query({ name: "ins", text: "insert into floor_packs (id, account_id, name, description) values ($1,$2,$3,$4) returning id, name, description", values: [randomUUID(), "acct", body.name, body.description ?? ""] });
    const out = JSON.stringify({ ...r.rows[0], connectors: [] });
    res.writeHead(201, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(out) });
    res.end(out);
  });
});
server.listen(4712, "127.0.0.1");
