import { Redis } from "ioredis";
import type { Logger } from "pino";
import { describeUrl } from "./db/database.js";

/**
 * Opens the Redis that server processes share their rate limits through. While it is gone the rate
 * limiters count in this process (their insurance limiter); the log says so once when the
 * connection is lost and once when it is back, not once per reconnect attempt (ioredis retries
 * every 2 s at most, which filled a log with one warning per attempt).
 */
export async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
  let lastError: Error | undefined;
  let lost = false;
  // Without an error listener ioredis prints each connection error to stderr, outside the JSON log.
  redis.on("error", (error: Error) => {
    lastError = error;
  });
  // "reconnecting" follows every close that ioredis will retry, and never a quit().
  redis.on("reconnecting", () => {
    if (lost) return;
    lost = true;
    logger.warn({ redis: describeUrl(url) }, "Redis unreachable: rate limits are counted in this process until it is back");
  });
  redis.on("ready", () => {
    if (!lost) return;
    lost = false;
    logger.info({ redis: describeUrl(url) }, "Redis reachable again: rate limits are shared again");
  });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new Error(`Redis at ${describeUrl(url)} did not answer (${(lastError ?? (error as Error)).message})`);
  }
  return redis;
}
