/**
 * Waits for every one of them, then throws the first error any
 * of them threw, or returns their values in order. Unlike Promise.all, nothing is still sending
 * requests when the error reaches the caller (a check that has ended, a run cleaning up).
 */
export async function allOrFirstError<T>(work: ReadonlyArray<Promise<T>>): Promise<T[]> {
  const settled = await Promise.allSettled(work);
  const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<T>).value);
}
