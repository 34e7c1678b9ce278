import type { Exchange } from "./types.js";

/**
 * A curl command that repeats an exchange's request and runs as pasted: every credential (already
 * redacted to a placeholder such as "<primary key>") becomes the environment variable that holds it,
 * inside double quotes so the shell expands it.
 */
export function curlFor(exchange: Exchange, variables: Readonly<Record<string, string>>): string {
  const { method, url, headers, body } = exchange.request;
  const parts = ["curl", "-i", "-X", method, shellQuote(url)];
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === "content-length") continue;
    parts.push("-H", withVariables(`${name}: ${value}`, variables));
  }
  if (body !== undefined) parts.push("--data-raw", shellQuote(body));
  return parts.join(" ");
}

/** Single-quoted unless it holds a placeholder; then double-quoted with the placeholder as $VARIABLE. */
function withVariables(text: string, variables: Readonly<Record<string, string>>): string {
  const found = Object.keys(variables).filter((placeholder) => text.includes(placeholder));
  if (found.length === 0) return shellQuote(text);
  let out = text.replace(/[\\"`$]/g, (c) => `\\${c}`);
  for (const placeholder of found) out = out.split(placeholder.replace(/[\\"`$]/g, (c) => `\\${c}`)).join(`$${variables[placeholder]}`);
  return `"${out}"`;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
