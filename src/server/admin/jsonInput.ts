import express, { type NextFunction, type Request, type Response } from "express";
import { badRequest } from "../http/apiError.js";

const parseJson = express.json({ limit: "64kb", strict: true });

/**
 * A mutating /__admin route takes JSON only: a form post from another origin (which a browser
 * sends without a preflight) is refused with 415 before anything changes.
 */
export function jsonBody(req: Request, res: Response, next: NextFunction): void {
  // The header itself, not req.is(): that answers null for a request without a body (a bare restore).
  const mediaType = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (mediaType !== "application/json") {
    res.status(415).json({ error: "Send the body as content-type: application/json." });
    return;
  }
  parseJson(req, res, next);
}

/** The parsed body as an object (an empty one when the body was empty), or a 400. */
export function bodyObject(req: Request): Record<string, unknown> {
  const body: unknown = req.body ?? {};
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw badRequest("The body must be a JSON object.");
  return body as Record<string, unknown>;
}
