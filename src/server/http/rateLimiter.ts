import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Redis } from "ioredis";
import type { ApiName } from "../../contracts/apiNames.js";
import type { RateLimitConfig } from "../config.js";

export type RateVerdict = { allowed: boolean; msBeforeNext: number };

/** An API's limits; throws nothing, answers whether a request may go on. */
export type RateLimiter = {
  /** Counts an authenticated caller's request to one operation (key: account and operation). */
  consume: (key: string) => Promise<RateVerdict>;
  /**
   * Counts a request from `address` that failed authentication, all operations together, so a
   * key cannot be guessed at full speed; past the limit the address is refused (429) until the
   * window ends, whatever key it sends next (else the right guess would still get through).
   */
  failedAuthentication: (address: string) => Promise<RateVerdict>;
  /** Whether `address` is refused for failing authentication too often (no I/O: checked on every request). */
  refusedAddress: (address: string) => RateVerdict;
};

/** More refused addresses than this and the expired ones are swept out. */
const REFUSED_SWEEP_SIZE = 10_000;

/**
 * A fixed-window limit per key per operation (Vern: "about 100 requests a minute per key per
 * endpoint"), and the same limit on failed authentications per client address. With a Redis
 * client the counts are shared by every server process; if Redis fails, an in-memory limiter
 * stands in so the API keeps answering. Which addresses are refused is kept in this process
 * (filled from the shared count), so the check costs no round trip on the way of every request.
 */
export function createRateLimiter(api: ApiName, config: RateLimitConfig, redis?: Redis, keyPrefix = "cc"): RateLimiter {
  const requests = limiter(`${keyPrefix}-rate:${api}`, config, redis);
  const failures = limiter(`${keyPrefix}-authfail:${api}`, config, redis);
  const refusedUntil = new Map<string, number>();
  return {
    consume: (key) => consume(requests, key),
    failedAuthentication: async (address) => {
      const verdict = await consume(failures, address);
      if (!verdict.allowed) refuse(refusedUntil, address, verdict.msBeforeNext);
      return verdict;
    },
    refusedAddress: (address) => {
      const until = refusedUntil.get(address);
      if (until === undefined) return { allowed: true, msBeforeNext: 0 };
      const left = until - performance.now();
      if (left > 0) return { allowed: false, msBeforeNext: left };
      refusedUntil.delete(address);
      return { allowed: true, msBeforeNext: 0 };
    },
  };
}

function limiter(keyPrefix: string, config: RateLimitConfig, redis?: Redis): RateLimiterAbstract {
  const options = { keyPrefix, points: config.limit, duration: config.windowMs / 1000 };
  const memory = new RateLimiterMemory(options);
  return redis ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: memory, useRedisPackage: false }) : memory;
}

async function consume(limiter: RateLimiterAbstract, key: string): Promise<RateVerdict> {
  try {
    await limiter.consume(key, 1);
    return { allowed: true, msBeforeNext: 0 };
  } catch (result) {
    if (result instanceof RateLimiterRes) return { allowed: false, msBeforeNext: result.msBeforeNext };
    throw result;
  }
}

function refuse(refusedUntil: Map<string, number>, address: string, ms: number): void {
  const now = performance.now();
  if (refusedUntil.size >= REFUSED_SWEEP_SIZE) for (const [a, until] of refusedUntil) if (until <= now) refusedUntil.delete(a);
  refusedUntil.set(address, now + ms);
}
