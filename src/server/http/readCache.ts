/** A cached answer: what the handler returned, already serialised. */
export type CachedAnswer = { status: number; headers: Record<string, string>; body: string };

/**
 * Answers of repeatable reads, kept per account. Only for a server that owns its database
 * (embedded PGlite): every change then passes through this process, so it knows when to forget.
 * Each account has a version, bumped after every write it makes (once the write has committed);
 * a read stores its answer only if the version did not move while it ran, so a read that raced a
 * write never leaves a stale answer behind. Progress of the simulation, and a reset, forget all.
 */
export class ReadCache {
  private readonly answers = new Map<string, Map<string, CachedAnswer>>();
  private readonly versions = new Map<string, number>();
  private generation = 0;

  /** At most this many answers per account; the oldest goes first. */
  constructor(private readonly maxPerAccount = 2_000) {}

  /** The current version of an account's data, to hand back to store(). */
  version(accountId: string): string {
    return `${this.generation}.${this.versions.get(accountId) ?? 0}`;
  }

  get(accountId: string, key: string): CachedAnswer | undefined {
    return this.answers.get(accountId)?.get(key);
  }

  store(accountId: string, key: string, versionAtStart: string, answer: CachedAnswer): void {
    if (this.version(accountId) !== versionAtStart) return;
    let account = this.answers.get(accountId);
    if (!account) this.answers.set(accountId, (account = new Map()));
    if (account.size >= this.maxPerAccount) account.delete(account.keys().next().value!);
    account.set(key, answer);
  }

  /** The account wrote something: forget its answers. */
  invalidate(accountId: string): void {
    this.versions.set(accountId, (this.versions.get(accountId) ?? 0) + 1);
    this.answers.delete(accountId);
  }

  /** Something changed for everyone (simulation progress, a reset): forget everything. */
  clear(): void {
    this.generation++;
    this.answers.clear();
  }
}
