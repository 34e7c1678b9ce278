import type { Exchange } from "./types.js";
import { CREDENTIAL_HEADERS } from "./redaction.js";

/** A curl command that repeats an exchange's request; credentials become environment variables. */
export function curlFor(exchange: Exchange, credentialEnv: string): string {
  const { method, url, headers, body } = exchange.request;
  const parts = ["curl", "-i", "-X", method, shellQuote(url)];
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === "content-length") continue;
    const shown = CREDENTIAL_HEADERS.has(name.toLowerCase()) ? credentialPlaceholder(name, value, credentialEnv) : shellQuote(`${name}: ${value}`);
    parts.push("-H", shown);
  }
  if (body !== undefined) parts.push("--data-raw", shellQuote(body));
  return parts.join(" ");
}

function credentialPlaceholder(name: string, value: string, env: string): string {
  if (value === "" || value.startsWith("<")) return shellQuote(`${name}: ${value}`);
  if (name.toLowerCase() === "authorization" && /^Bearer /i.test(value)) return `"${name}: Bearer $${env}"`;
  return `"${name}: $${env}"`;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
