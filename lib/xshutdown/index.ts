// xshutdown: one graceful-shutdown coordinator per process.
//
// Callbacks are registered from anywhere (shutdown() returns the process's coordinator) into
// ordered phases; callbacks of one phase run concurrently, each under its own timeout, the
// whole under a global deadline. A second SIGINT/SIGTERM or the deadline forces the exit.
// Long-running loops take a Worker: an AbortSignal that fires when their phase starts, and
// drained() to say they have finished what they had in hand.

/** Default phases, in the order they run. */
export const PHASES = ["intake", "drain", "clients", "telemetry"] as const;
export type DefaultPhase = (typeof PHASES)[number];

/** Process exit codes chosen by the coordinator (a service adds its own to these: src/cli.ts). */
export const EXIT = {
  /** Every callback finished in time. */
  ok: 0,
  /** A callback threw or overran its timeout (and was abandoned). */
  failure: 1,
  /** The global deadline passed or a second signal arrived: exit forced. */
  forced: 3,
} as const;

export interface ShutdownLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const stderrLogger: ShutdownLogger = {
  info: (o, m) => process.stderr.write(`${JSON.stringify({ level: "info", msg: m, ...o })}\n`),
  warn: (o, m) => process.stderr.write(`${JSON.stringify({ level: "warn", msg: m, ...o })}\n`),
  error: (o, m) => process.stderr.write(`${JSON.stringify({ level: "error", msg: m, ...o })}\n`),
};

export type ShutdownCallback = (signal: AbortSignal) => unknown;

export interface RegisterOptions {
  phase?: string;
  /** Milliseconds this callback may take before it is abandoned. */
  timeoutMs?: number;
}

export interface CoordinatorOptions {
  phases?: readonly string[];
  /** Timeout of a callback registered without one. */
  defaultTimeoutMs?: number;
  /** Hard limit for the whole shutdown; past it the process exits with EXIT.forced. */
  deadlineMs?: number;
  logger?: ShutdownLogger;
  /** How to end the process; tests pass a spy. */
  exit?: (code: number) => void;
}

export interface CallbackResult {
  name: string;
  phase: string;
  outcome: "ok" | "error" | "timeout";
  ms: number;
  error?: string;
}

export interface ShutdownReport {
  reason: string;
  results: CallbackResult[];
  exitCode: number;
}

interface Registration {
  name: string;
  phase: string;
  fn: ShutdownCallback;
  timeoutMs: number;
}

/** A long-running loop's handle: stop when `signal` aborts, call drained() when done. */
export interface Worker {
  readonly signal: AbortSignal;
  drained(): void;
}

export class ShutdownCoordinator {
  private readonly phases: readonly string[];
  private readonly defaultTimeoutMs: number;
  private readonly deadlineMs: number;
  private readonly logger: ShutdownLogger;
  private readonly exit: (code: number) => void;
  private readonly registrations: Registration[] = [];
  private readonly started = new AbortController();
  private running?: Promise<ShutdownReport>;
  private signalHandlers: [NodeJS.Signals, () => void][] = [];
  private crashHandlers: [string, (e: unknown) => void][] = [];

  constructor(opts: CoordinatorOptions = {}) {
    this.phases = opts.phases ?? PHASES;
    this.defaultTimeoutMs = opts.defaultTimeoutMs ?? 10_000;
    this.deadlineMs = opts.deadlineMs ?? 30_000;
    this.logger = opts.logger ?? stderrLogger;
    this.exit = opts.exit ?? ((code) => process.exit(code));
  }

  /** Aborted as soon as shutdown begins; for code that just needs to know. */
  get signal(): AbortSignal {
    return this.started.signal;
  }

  /** How many callbacks are registered. */
  get size(): number {
    return this.registrations.length;
  }

  get isShuttingDown(): boolean {
    return this.running !== undefined;
  }

  /** Adds a callback; returns a function that removes it again. */
  register(name: string, fn: ShutdownCallback, opts: RegisterOptions = {}): () => void {
    const phase = opts.phase ?? this.phases[this.phases.length - 2] ?? this.phases[0]!;
    if (!this.phases.includes(phase))
      throw new Error(`xshutdown: unknown phase '${phase}' (phases: ${this.phases.join(", ")})`);
    const reg: Registration = { name, phase, fn, timeoutMs: opts.timeoutMs ?? this.defaultTimeoutMs };
    this.registrations.push(reg);
    return () => {
      const i = this.registrations.indexOf(reg);
      if (i >= 0) this.registrations.splice(i, 1);
    };
  }

  /**
   * A handle for a long-running loop. When `phase` starts, the worker's signal aborts and the
   * coordinator waits (up to the timeout) until the loop calls drained().
   */
  worker(name: string, opts: RegisterOptions = {}): Worker {
    const stop = new AbortController();
    let markDrained!: () => void;
    const drained = new Promise<void>((resolve) => (markDrained = resolve));
    this.register(
      name,
      async () => {
        stop.abort(new Error(`shutdown: ${name}`));
        await drained;
      },
      { phase: "drain", ...opts },
    );
    return { signal: stop.signal, drained: () => markDrained() };
  }

  /** Installs SIGINT/SIGTERM handlers: the first starts shutdown, the second forces exit. */
  listen(signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM"]): this {
    for (const sig of signals) {
      const handler = () => {
        if (this.running) {
          this.logger.error({ signal: sig }, "second signal during shutdown: forcing exit");
          this.exit(EXIT.forced);
          return;
        }
        void this.shutdown(sig).then((r) => this.exit(r.exitCode));
      };
      process.on(sig, handler);
      this.signalHandlers.push([sig, handler]);
    }
    return this;
  }

  /**
   * Shuts down after a fatal error (a failed start, a crash): logs it once, runs every phase and
   * exits with at least EXIT.failure, whatever the callbacks did.
   */
  fail(reason: string, error: unknown): Promise<ShutdownReport> {
    this.logger.error({ reason, error: error instanceof Error ? error.message : String(error) }, "fatal error");
    return this.shutdown(reason).then((r) => {
      this.exit(Math.max(r.exitCode, EXIT.failure));
      return r;
    });
  }

  /**
   * No code path ends the process through an unhandled rejection or exception: each is logged
   * once and goes through fail() (one shutdown; a second crash meanwhile is only logged).
   */
  exitOnCrash(): this {
    const handler = (kind: string) => (error: unknown) => {
      if (this.running) {
        this.logger.error(
          { kind, error: error instanceof Error ? error.message : String(error) },
          "crash during shutdown",
        );
        return;
      }
      void this.fail(kind, error);
    };
    const rejection = handler("unhandled rejection");
    const exception = handler("uncaught exception");
    process.on("unhandledRejection", rejection);
    process.on("uncaughtException", exception);
    this.crashHandlers.push(["unhandledRejection", rejection], ["uncaughtException", exception]);
    return this;
  }

  /** Removes the signal handlers installed by listen(). */
  unlisten(): void {
    for (const [sig, h] of this.signalHandlers) process.off(sig, h);
    this.signalHandlers = [];
    for (const [ev, h] of this.crashHandlers) process.off(ev as "unhandledRejection", h);
    this.crashHandlers = [];
  }

  /** Runs every phase once; calling it again returns the same report. */
  shutdown(reason = "requested"): Promise<ShutdownReport> {
    this.running ??= this.run(reason);
    return this.running;
  }

  private async run(reason: string): Promise<ShutdownReport> {
    this.started.abort(new Error(`shutdown: ${reason}`));
    const t0 = Date.now();
    this.logger.info({ reason, callbacks: this.registrations.length, deadlineMs: this.deadlineMs }, "shutdown started");
    const deadline = setTimeout(() => {
      this.logger.error({ reason, deadlineMs: this.deadlineMs }, "shutdown deadline passed: forcing exit");
      this.exit(EXIT.forced);
    }, this.deadlineMs);
    deadline.unref?.();

    const results: CallbackResult[] = [];
    for (const phase of this.phases) {
      const regs = this.registrations.filter((r) => r.phase === phase);
      results.push(...(await Promise.all(regs.map((r) => this.runOne(r)))));
    }
    clearTimeout(deadline);

    const failed = results.filter((r) => r.outcome !== "ok");
    const exitCode = failed.length ? EXIT.failure : EXIT.ok;
    if (failed.length) {
      this.logger.error(
        {
          reason,
          failed: failed.map(({ name, phase, outcome, error }) => ({ name, phase, outcome, error })),
          ms: Date.now() - t0,
        },
        "shutdown finished with failures",
      );
    } else {
      this.logger.info({ reason, callbacks: results.length, ms: Date.now() - t0 }, "shutdown complete");
    }
    return { reason, results, exitCode };
  }

  private async runOne(r: Registration): Promise<CallbackResult> {
    const t0 = Date.now();
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), r.timeoutMs);
    });
    try {
      const outcome = await Promise.race([
        Promise.resolve()
          .then(() => r.fn(abort.signal))
          .then(() => "ok" as const),
        timeout,
      ]);
      if (outcome === "timeout") {
        abort.abort(new Error(`timeout after ${r.timeoutMs}ms`));
        this.logger.warn(
          { callback: r.name, phase: r.phase, timeoutMs: r.timeoutMs },
          "shutdown callback overran its timeout: abandoned",
        );
        return {
          name: r.name,
          phase: r.phase,
          outcome: "timeout",
          ms: Date.now() - t0,
          error: `timeout after ${r.timeoutMs}ms`,
        };
      }
      return { name: r.name, phase: r.phase, outcome: "ok", ms: Date.now() - t0 };
    } catch (e) {
      return {
        name: r.name,
        phase: r.phase,
        outcome: "error",
        ms: Date.now() - t0,
        error: e instanceof Error ? e.message : String(e),
      };
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Waits `ms`, or less if `signal` aborts — and not at all when it already has. Loops use it
 * between iterations so that a stop request is never missed while they were busy.
 */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

let processCoordinator: ShutdownCoordinator | undefined;

/** The process's coordinator, created on first use; configure it once with configureShutdown(). */
export function shutdown(): ShutdownCoordinator {
  processCoordinator ??= new ShutdownCoordinator();
  return processCoordinator;
}

/** Replaces the process's coordinator (call once, early in main, before anything registers). */
export function configureShutdown(opts: CoordinatorOptions): ShutdownCoordinator {
  if (processCoordinator?.size) {
    throw new Error("xshutdown: configureShutdown() called after callbacks were registered");
  }
  processCoordinator = new ShutdownCoordinator(opts);
  return processCoordinator;
}
