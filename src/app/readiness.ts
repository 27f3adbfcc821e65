// Readiness: is every dependency the service needs answering right now?

/** A dependency the service cannot work without (a port: adapters implement it). */
export interface DependencyCheck {
  /** Name shown to operators: "mongo", "kafka". */
  readonly name: string;
  /** False: a failure is reported but does not make the instance unready (default true). */
  readonly required?: boolean;
  /** Resolves when the dependency answers; rejects (or is aborted) otherwise. */
  check(signal: AbortSignal): Promise<void>;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  required: boolean;
  ms: number;
  error?: unknown;
}

/** Marks a check as informative: reported in /readyz's body and metrics, never unready. */
export function optional(check: DependencyCheck): DependencyCheck {
  return { name: check.name, required: false, check: (signal) => check.check(signal) };
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
          new Promise<never>((_, reject) =>
            signal.addEventListener(
              "abort",
              () => reject(new Error(`${c.name} check timed out after ${timeoutMs}ms`)),
              { once: true },
            ),
          ),
        ]);
        return { name: c.name, ok: true, required: c.required ?? true, ms: performance.now() - t0 };
      } catch (error) {
        return { name: c.name, ok: false, required: c.required ?? true, ms: performance.now() - t0, error };
      }
    }),
  );
}
