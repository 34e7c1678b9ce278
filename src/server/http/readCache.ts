/** A cached answer: what the handler returned, serialised once (the body as the bytes sent). */
export type CachedAnswer = { status: number; headers: Record<string, string>; body: Buffer };

type Entry = { accountId: string; version: string; answer: CachedAnswer };

/**
 * Answers of repeatable reads, keyed by the request that produced them: its credential headers,
 * Host and URL (see requestKey). The same credential always authenticates as the same account and
 * the same URL always names the same operation with the same valid parameters, so a stored answer
 * can be sent again without routing, authenticating or validating the request afresh.
 *
 * Only for a server that sees every change to its data (see startServer: embedded PGlite, or a
 * PostgreSQL it holds alone). Each account has a version, bumped after every write it makes (once
 * the write has committed); an answer is served only while its account's version is the one it
 * was read at, and a read stores its answer only if the version did not move while it ran, so a
 * read that raced a write never leaves a stale answer behind. Progress of the simulation, and a
 * reset, forget all.
 */
export class ReadCache {
  private readonly entries = new Map<string, Entry>();
  private readonly versions = new Map<string, number>();
  private generation = 0;
  private enabled = true;
  private bytes = 0;

  /** At most this many answers and this many bytes of bodies; the oldest go first. */
  constructor(
    private readonly maxEntries = 10_000,
    private readonly maxBytes = 32 * 1_048_576,
  ) {}

  /** The current version of an account's data, to hand back to store(). */
  version(accountId: string): string {
    return `${this.generation}.${this.versions.get(accountId) ?? 0}`;
  }

  get(requestKey: string): CachedAnswer | undefined {
    const entry = this.entries.get(requestKey);
    if (!entry) return undefined;
    if (entry.version === this.version(entry.accountId)) return entry.answer;
    this.remove(requestKey);
    return undefined;
  }

  store(requestKey: string, accountId: string, versionAtStart: string, answer: CachedAnswer): void {
    if (!this.enabled || this.version(accountId) !== versionAtStart || answer.body.length > this.maxBytes) return;
    this.remove(requestKey);
    while (this.entries.size >= this.maxEntries || this.bytes + answer.body.length > this.maxBytes) this.remove(this.entries.keys().next().value!);
    this.entries.set(requestKey, { accountId, version: versionAtStart, answer });
    this.bytes += answer.body.length;
  }

  private remove(requestKey: string): void {
    const entry = this.entries.get(requestKey);
    if (!entry) return;
    this.entries.delete(requestKey);
    this.bytes -= entry.answer.body.length;
  }

  /** The account wrote something: its answers are stale from now on. */
  invalidate(accountId: string): void {
    this.versions.set(accountId, (this.versions.get(accountId) ?? 0) + 1);
  }

  /** Something changed for everyone (simulation progress, a reset): forget everything. */
  clear(): void {
    this.generation++;
    this.entries.clear();
    this.bytes = 0;
  }

  /** For good: another process now writes to the same database, so this one no longer sees every change. */
  disable(): void {
    this.enabled = false;
    this.clear();
  }
}

/**
 * What makes two GETs the same read: the headers that carry credentials (so the same account),
 * Host (list answers carry absolute links built from it) and the URL with its query.
 */
export function requestKey(headers: Record<string, string | string[] | undefined>, credentialHeaders: readonly string[], url: string): string {
  let key = `${headers.host ?? ""}\n${url}`;
  for (const name of credentialHeaders) key += `\n${headers[name] ?? ""}`;
  return key;
}
