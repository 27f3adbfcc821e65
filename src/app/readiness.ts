// Readiness: is every dependency the service needs answering right now?

/** A dependency the service cannot work without (a port: adapters implement it). */
export interface DependencyCheck {
  /** Name shown to operators: "mongo", "kafka". */
  readonly name: string;
  /** Resolves when the dependency answers; rejects (or is aborted) otherwise. */
  check(signal: AbortSignal): Promise<void>;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: unknown;
}

/** Runs every check concurrently, each bounded by timeoutMs. */
export async function checkReadiness(checks: DependencyCheck[], timeoutMs: number): Promise<CheckResult[]> {
  return Promise.all(
    checks.map(async (c) => {
      const t0 = performance.now();
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        await Promise.race([
          c.check(signal),
          new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(new Error(`${c.name} check timed out after ${timeoutMs}ms`)), { once: true })),
        ]);
        return { name: c.name, ok: true, ms: performance.now() - t0 };
      } catch (error) {
        return { name: c.name, ok: false, ms: performance.now() - t0, error };
      }
    }),
  );
}
