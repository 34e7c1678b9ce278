import express, { type Request, type Response } from "express";
import { ApiError } from "./apiError.js";

export type JsonBodyOptions = {
  /** Past it the body is refused with 413 (body-parser's `entity.too.large`). */
  limitBytes: number;
  /** How long the body may take to arrive once the headers are in; past it 408. */
  timeoutMs: number;
};

/**
 * The body-reading step of every API request: body-parser's JSON reader, bounded in time. A client
 * that announces a body (Content-Length or chunked) and then sends less than it announced would
 * otherwise hold the request until Node's own requestTimeout, whose 408 has no body and knows no
 * API; here the route still knows its API, so the 408 goes out through the API's one error exit,
 * in its documented error body (RFC 9110 §15.5.9). Prism's proxy is such a client: it forwards a
 * body it dropped with the original Content-Length.
 */
export function jsonBodyReader(options: JsonBodyOptions) {
  const parseJson = express.json({ limit: options.limitBytes, strict: false, type: ["application/json", "application/*+json"] });
  return function readJsonBody(req: Request, res: Response, done: (error?: unknown) => void): void {
    if (!announcesBody(req)) return parseJson(req, res, done);
    let settled = false;
    const timer = setTimeout(() => {
      // The rest of the body may still come on this connection, where it would be read as the
      // next request's head: the connection ends with this answer.
      res.setHeader("Connection", "close");
      finish(requestTimedOut());
    }, options.timeoutMs);
    // Once the 408 is sent the socket closes and body-parser reports the aborted read: ignored.
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done(error);
    };
    parseJson(req, res, finish);
  };
}

const requestTimedOut = () => new ApiError(408, "The request body did not arrive in time.");

/** Whether the head announces a body still to be read (type-is's `hasBody`, as body-parser decides). */
function announcesBody(req: Request): boolean {
  if (req.complete) return false;
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}
