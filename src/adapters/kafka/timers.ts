// kafkajs 2.2.4 schedules timers with negative delays (throttledUntil - now, or an absolute
// timestamp), and Bun prints a TimeoutNegativeWarning to stderr for each process that does: a
// non-JSON line in the service's output. A negative delay means "now", so it is clamped to 0 —
// once, at start (main.ts), and in tools and tests that use kafkajs.
let clamped = false;

export function clampNegativeTimers(): void {
  if (clamped) return;
  clamped = true;
  const original = globalThis.setTimeout;
  globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) =>
    original(fn, Math.max(0, ms ?? 0), ...args)) as typeof setTimeout;
}
