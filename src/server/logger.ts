import { pino, type Logger, type DestinationStream } from "pino";

/**
 * Paths pino blanks out wherever they appear in a log line: the credentials of every API and the
 * secret-bearing request fields. Bodies are never logged in the first place; this is the second lock.
 */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  'req.headers["x-api-key"]',
  "req.headers.cookie",
  "headers.authorization",
  'headers["x-api-key"]',
  "body.credentials",
  "body.data_loader_config.auth",
  "body.headers",
  "credentials",
  "auth",
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    { level, redact: { paths: REDACTED_PATHS, censor: "[redacted]" }, base: { service: "connector-contracts" } },
    destination,
  );
}
