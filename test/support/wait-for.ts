export interface WaitOptions<T> {
  /** How long to poll before failing. Default 10 s. */
  timeoutMs?: number;
  /** Pause between two probes. Default 20 ms. */
  intervalMs?: number;
  /** When the probe's value is accepted; by default any value but undefined, null and false. */
  until?: (value: T) => boolean;
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until its value is accepted and returns that value, or fails naming `what` it
 * waited for and the last value seen: tests wait for a condition, never for a fixed time.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  options: WaitOptions<T> = {},
): Promise<Exclude<T, undefined | null | false>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const accept = options.until ?? ((value: T) => value !== undefined && value !== null && value !== false);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value as Exclude<T, undefined | null | false>;
    if (Date.now() > deadline) {
      const shown = value !== undefined && value !== null && typeof value !== 'boolean';
      const seen = shown ? `; last seen: ${JSON.stringify(value)?.slice(0, 500)}` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${seen}`);
    }
    await delay(options.intervalMs ?? 20);
  }
}
