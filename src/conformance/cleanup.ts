/** What the suite created, undone in reverse order at the end of a run, also after a failure or Ctrl-C. */
export class CleanupStack {
  private readonly steps: Array<{ label: string; undo: () => Promise<void> }> = [];
  private readonly leftKeys = new Set<string>();
  /** Resources the run created and could not remove, each with the reason. */
  readonly leftBehind: string[] = [];
  /** Resources the run did NOT create but changed (only with --destructive), and what stays changed. */
  readonly modified: string[] = [];
  readonly problems: string[] = [];

  push(label: string, undo: () => Promise<void>): void {
    this.steps.push({ label, undo });
  }

  /** A resource the API gives no way to delete, listed once (by `key`, its id) in the report. */
  leave(label: string, key?: string): void {
    if (key !== undefined) {
      if (this.leftKeys.has(key)) return;
      this.leftKeys.add(key);
    }
    this.leftBehind.push(label);
  }

  /** A resource of the deployment the run changed with --destructive: never called something the run created. */
  modify(label: string): void {
    if (!this.modified.includes(label)) this.modified.push(label);
  }

  async run(): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        await step.undo();
      } catch (error) {
        this.problems.push(`cleanup of ${step.label} failed: ${(error as Error).message}`);
      }
    }
  }
}
