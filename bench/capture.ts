import { writeFileSync } from "node:fs";
import type { Route } from "./routes.js";

/** One answer of the reference server, byte for byte, for bench/bareExpress.ts to repeat. */
export type CapturedAnswer = {
  method: Route["method"];
  /** The path as the reference server serves it (mount path included). */
  path: string;
  status: number;
  headers: Record<string, string>;
  bodyBase64: string;
};

/** Headers that describe the connection or the moment, not the answer: the bare server's own Node sets them. */
const PER_CONNECTION_HEADERS = new Set(["date", "connection", "keep-alive", "content-length", "transfer-encoding"]);

/** Sends each route once to the reference server and keeps what it answered (each must be 2xx). */
export async function captureAnswers(apiBaseUrl: string, routes: readonly Route[]): Promise<CapturedAnswer[]> {
  const answers: CapturedAnswer[] = [];
  for (const route of routes) {
    const url = new URL(`${apiBaseUrl}${route.path}`);
    const response = await fetch(url, { method: route.method, headers: route.headers, body: route.body });
    const body = Buffer.from(await response.arrayBuffer());
    if (!response.ok) throw new Error(`${route.method} ${url} answered ${response.status}: ${body.toString().slice(0, 500)}`);
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (!PER_CONNECTION_HEADERS.has(name)) headers[name] = value;
    });
    answers.push({ method: route.method, path: url.pathname, status: response.status, headers, bodyBase64: body.toString("base64") });
  }
  return answers;
}

export function writeCapture(file: string, answers: readonly CapturedAnswer[]): void {
  writeFileSync(file, JSON.stringify(answers, null, 2));
}
