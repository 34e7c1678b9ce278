import cors from "cors";
import type { NextFunction, Request, Response } from "express";

/**
 * CORS for browser apps on another origin (a front-end dev server on localhost:5173, say): any
 * origin, the auth headers each API uses, and the Prefer header that Prism clients send.
 */
const corsHeaders = cors({
  origin: true,
  methods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
  allowedHeaders: ["Content-Type", "Authorization", "x-api-key", "Prefer"],
  maxAge: 600,
});

/**
 * A request without an Origin header is not a browser's cross-origin request, and the cors
 * package would only add `Vary: Origin` to its answer: that header is set here directly, since
 * the package's callbacks and option copies were 3% of a Merge create's CPU profile under load.
 * Preflights (OPTIONS) always go to the package.
 */
export function corsForBrowserApps(req: Request, res: Response, next: NextFunction) {
  if (req.headers.origin !== undefined || req.method === "OPTIONS") return corsHeaders(req, res, next);
  res.vary("Origin");
  next();
}
