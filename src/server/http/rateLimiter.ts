import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Redis } from "ioredis";
import type { ApiName } from "../../contracts/apiNames.js";
import type { RateLimitConfig } from "../config.js";

/** Counts a caller's requests to one operation; throws nothing, answers whether it may go on. */
export type RateLimiter = (key: string) => Promise<{ allowed: boolean; msBeforeNext: number }>;

/**
 * A fixed-window limit per key per operation (Vern: "about 100 requests a minute per key per
 * endpoint"). With a Redis client the count is shared by every server process; if Redis fails,
 * an in-memory limiter stands in so the API keeps answering.
 */
export function createRateLimiter(api: ApiName, config: RateLimitConfig, redis?: Redis, keyPrefix = "cc"): RateLimiter {
  const options = { keyPrefix: `${keyPrefix}-rate:${api}`, points: config.limit, duration: config.windowMs / 1000 };
  const memory = new RateLimiterMemory(options);
  const limiter: RateLimiterAbstract = redis
    ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: memory, useRedisPackage: false })
    : memory;
  return async (key) => {
    try {
      await limiter.consume(key, 1);
      return { allowed: true, msBeforeNext: 0 };
    } catch (result) {
      if (result instanceof RateLimiterRes) return { allowed: false, msBeforeNext: result.msBeforeNext };
      throw result;
    }
  };
}
