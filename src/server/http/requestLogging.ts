import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";

const logState = Symbol("requestLogging");
type LogState = { id: string; started: number; logger: Logger; child?: Logger };
type LoggedRequest = IncomingMessage & { [logState]?: LogState };

/**
 * One JSON line per request (id, method, URL, status, time): never bodies, never headers. The id is
 * the caller's X-Request-Id when it sent a usable one, and is sent back in X-Request-Id.
 * Written from the base logger when the answer is finished; a request's own child logger (see
 * requestLogger, for handlers that log) is made only if something asks for it. pino-http made a
 * child logger and ran its serializers for every request: about a tenth of the server's CPU on a
 * cached read (bench --cpu-prof), for the same line. The request's state is one object and the
 * listener one shared function, so a request in flight holds no closures of its own. The level is
 * read once, when the app is built: below info, no listener is added at all.
 */
export function requestLogging(logger: Logger) {
  const enabled = logger.isLevelEnabled("info");
  return function logRequest(req: IncomingMessage, res: ServerResponse) {
    const header = req.headers["x-request-id"];
    const id = typeof header === "string" && header.length <= 128 ? header : randomUUID();
    (req as LoggedRequest)[logState] = { id, started: performance.now(), logger };
    // The id goes back to the caller, so a browser's request can be found in the log and the journal.
    res.setHeader("X-Request-Id", id);
    if (enabled) res.once("finish", logCompleted);
  };
}

function logCompleted(this: ServerResponse) {
  const req = this.req as LoggedRequest & { originalUrl?: string };
  const state = req[logState]!;
  state.logger.info(
    { req: { id: state.id, method: req.method, url: req.originalUrl ?? req.url }, res: { statusCode: this.statusCode }, responseTime: Math.round(performance.now() - state.started) },
    "request completed",
  );
}

/** The request's own logger (its lines carry the request id), or `fallback` for a request that was not logged. */
export function requestLogger(req: IncomingMessage, fallback: Logger): Logger {
  const state = (req as LoggedRequest)[logState];
  return state ? (state.child ??= state.logger.child({ reqId: state.id })) : fallback;
}
