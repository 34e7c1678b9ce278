/**
 * Bounds the agent calls in flight: at most `maxConcurrent` run, `maxQueued` more wait for a slot,
 * and any call past that is answered at once by `whenBusy`, so a flood of invokes cannot hold an
 * unbounded number of sockets and buffers. (p-limit queues without bound, hence these few lines.)
 */
export class AgentCallLimiter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly maxConcurrent: number,
    private readonly maxQueued: number,
  ) {}

  async run<T>(work: () => Promise<T>, whenBusy: () => T): Promise<T> {
    if (this.running < this.maxConcurrent) {
      this.running++;
    } else if (this.waiting.length < this.maxQueued) {
      // The slot is handed over by the call that frees it: `running` stays counted for us.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      return whenBusy();
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
