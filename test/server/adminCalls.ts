import type { TestServer } from "../support/testServer.js";

/** One /__admin call over real HTTP, JSON in and out (the way a test suite or the console drives it). */
export async function admin(server: TestServer, method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}/__admin${path}`, {
    method,
    // A POST without a body (a restore) still says it is JSON, as the admin API requires of every change.
    ...(method === "POST" ? { headers: { "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) } : {}),
  });
  return { status: response.status, body: await response.json() };
}

/** Freezes the simulation clock (and waits out the timer's pass in progress) or lets it run again. */
export const setFrozen = (server: TestServer, frozen: boolean) => admin(server, "POST", "/clock", { frozen });

export const advanceClock = (server: TestServer, advanceMs: number) => admin(server, "POST", "/clock", { advanceMs });
