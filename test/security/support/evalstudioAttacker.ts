import { randomBytes } from "node:crypto";
import { encodedForms } from "../../../src/secrets/secretEncodings.js";

export const SEEDED_PROJECT = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";

export type Answer = { status: number; text: string; json: Record<string, unknown> };

/**
 * EvalStudio spoken as an attacker speaks it: plain fetch, any body, the raw answer text kept so a
 * secret is searched for in every byte that came back, not only in the fields a client would read.
 */
export function evalstudioAttacker(apiUrl: string, projectId = SEEDED_PROJECT) {
  async function send(method: string, path: string, body?: unknown): Promise<Answer> {
    const response = await fetch(`${apiUrl}/projects/${projectId}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }
  return {
    send,
    async createConnector(name: string, baseUrl: string, headers: Record<string, string> = {}): Promise<string> {
      const answer = await send("POST", "/connectors", { name, type: "langgraph", baseUrl, headers, config: { assistantId: "agent" } });
      if (answer.status !== 201) throw new Error(`create failed: ${answer.status} ${answer.text}`);
      return answer.json.id as string;
    },
    update: (id: string, body: unknown) => send("PUT", `/connectors/${id}`, body),
    invoke: (id: string, content = "hi") => send("POST", `/connectors/${id}/invoke`, { messages: [{ role: "user", content }] }),
    test: (id: string) => send("POST", `/connectors/${id}/test`),
  };
}

/** A secret unlike any other text, with characters that URL-encoding and JSON change. */
export function canary(label: string): string {
  return `${label}/${randomBytes(12).toString("hex")}+"q=`;
}

/**
 * Every form of `secret` found in an answer: the suite's own list of encodings, plus upper-case hex,
 * of the secret and of its JSON-escaped text (an echo usually JSON-encodes the headers first),
 * searched in the raw answer and in every string inside it once JSON-decoded.
 */
export function disclosures(answer: Answer | string, secret: string): string[] {
  const texts = typeof answer === "string" ? [answer] : [answer.text, ...stringsIn(answer.json)];
  const found = new Set<string>();
  for (const variant of [secret, JSON.stringify(secret).slice(1, -1)]) {
    const forms = [...encodedForms(variant), { form: "hex (upper case)", text: Buffer.from(variant).toString("hex").toUpperCase() }];
    for (const f of forms) if (f.text.length >= 4 && texts.some((t) => t.includes(f.text))) found.add(f.form);
  }
  return [...found];
}

function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === "object") return Object.values(value).flatMap(stringsIn);
  return [];
}
