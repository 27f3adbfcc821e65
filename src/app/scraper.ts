// The scraper: runs each configured source on its interval, imports what it reads through
// importItem, and never lets one source hold up another (each has its own loop; a concurrency limit
// caps how many read at once; failures back off exponentially with jitter). Several processes share
// the sources through leases in the store: a source is worked by one process at a time.
import { describe as describeError } from "../../lib/xerrors/index.ts";
import { log } from "../../lib/xlog/index.ts";
import { sleepUnlessAborted, type Worker } from "../../lib/xshutdown/index.ts";
import { actingAs, type CourseDeps } from "./courses.ts";
import { type ImportItem, type ImportLedger, importItem } from "./imports.ts";
import { backoffMs } from "./retry.ts";

/** Items of one source imported at the same time. */
const ITEM_CONCURRENCY = 8;

export interface SourceConfig {
  name: string;
  url: string;
  intervalMs: number;
}

/** Conditional-GET validators of a source's last complete run. */
export interface Validators {
  etag?: string;
  lastModified?: string;
}

export interface SourceState extends Validators {
  failures: number;
  lastRunAt?: Date;
  lastSuccessAt?: Date;
  lastError?: string;
}

export type ReadItem = { ok: true; item: ImportItem } | { ok: false; externalId?: string; reason: string };

export type ReadResult =
  | { notModified: true; bytes: number }
  | { notModified: false; items: ReadItem[]; validators: Validators; bytes: number };

/** Port: fetches and parses one source (all its pages). Throws when the source cannot be read. */
export interface SourceReader {
  read(source: SourceConfig, validators: Validators, signal: AbortSignal): Promise<ReadResult>;
}

/** Port: leases and per-source state. */
export interface ScraperStore {
  acquire(source: string, owner: string, ttlMs: number, now: Date): Promise<boolean>;
  renew(source: string, owner: string, ttlMs: number, now: Date): Promise<boolean>;
  release(source: string, owner: string): Promise<void>;
  state(source: string): Promise<SourceState>;
  saveState(source: string, state: SourceState): Promise<void>;
}

export interface RunSummary {
  source: string;
  outcome: "imported" | "not_modified" | "failed" | "skipped";
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  bytes: number;
  ms: number;
  error?: string;
  /** Why a run was skipped (another process holds the source, or ran it recently). */
  reason?: string;
}

export interface ScraperObserver {
  run(summary: RunSummary): void;
}

export interface ScraperOptions {
  owner: string;
  leaseMs: number;
  concurrency: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** Wraps a source's run (tracing); default: runs it. */
  around?: <T>(source: SourceConfig, run: () => Promise<T>) => Promise<T>;
}

export interface ScraperDeps {
  courses: CourseDeps;
  ledger: ImportLedger;
  store: ScraperStore;
  reader: SourceReader;
  observer?: ScraperObserver;
}

export class Scraper {
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    private readonly deps: ScraperDeps,
    private readonly sources: SourceConfig[],
    private readonly opts: ScraperOptions,
  ) {}

  /** Every source once (`courses scrape --once`); resolves with one summary per source. */
  runOnce(signal: AbortSignal): Promise<RunSummary[]> {
    return Promise.all(this.sources.map((s) => this.limited(() => this.runSource(s, signal, false))));
  }

  /** The daemon: one loop per source until the worker is told to stop. */
  async run(worker: Worker): Promise<void> {
    await Promise.all(this.sources.map((s) => this.loop(s, worker.signal)));
    worker.drained();
  }

  private async loop(source: SourceConfig, signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      const summary = await this.limited(() => this.runSource(source, signal, true));
      if (summary.outcome === "failed") failures++;
      else if (summary.outcome !== "skipped") failures = 0;
      await sleepUnlessAborted(failures ? this.backoff(failures) : source.intervalMs, signal);
    }
  }

  /** Exponential, capped, with jitter (half to all of the step), so failing sources do not pulse together. */
  backoff(failures: number): number {
    const step = backoffMs(failures, this.opts.backoffInitialMs, this.opts.backoffMaxMs);
    return Math.round(step / 2 + (Math.random() * step) / 2);
  }

  private async limited<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.opts.concurrency) await new Promise<void>((r) => this.queue.push(r));
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }

  /** One run of one source under its lease. `respectRecent`: skip when any process ran it within its interval. */
  async runSource(source: SourceConfig, signal: AbortSignal, respectRecent: boolean): Promise<RunSummary> {
    const t0 = performance.now();
    const summary: RunSummary = {
      source: source.name,
      outcome: "skipped",
      created: 0,
      updated: 0,
      unchanged: 0,
      failed: 0,
      bytes: 0,
      ms: 0,
    };
    const { store } = this.deps;
    const now = () => this.deps.courses.clock.now();
    const around = this.opts.around ?? ((_s, run) => run());
    try {
      if (!(await store.acquire(source.name, this.opts.owner, this.opts.leaseMs, now()))) {
        summary.reason = "another process holds the source";
        return this.finish(summary, t0);
      }
    } catch (e) {
      return this.finish({ ...summary, outcome: "failed", error: describeError(e) }, t0);
    }
    const renewal = setInterval(
      () => void store.renew(source.name, this.opts.owner, this.opts.leaseMs, now()).catch(() => {}),
      Math.max(50, this.opts.leaseMs / 3),
    );
    let state: SourceState = { failures: 0 };
    try {
      state = await store.state(source.name);
      // A success elsewhere within the interval: nothing to do yet. Failures are retried on backoff.
      if (respectRecent && state.lastSuccessAt && now().getTime() - state.lastSuccessAt.getTime() < source.intervalMs) {
        summary.reason = "ran within its interval (by another process)";
        return this.finish(summary, t0);
      }
      await around(source, () => this.read(source, state, signal, summary));
      return this.finish(summary, t0);
    } catch (e) {
      summary.outcome = "failed";
      summary.error = signal.aborted ? "stopped by shutdown" : describeError(e);
      const at = now();
      await store
        .saveState(source.name, { ...state, failures: state.failures + 1, lastRunAt: at, lastError: summary.error })
        .catch(() => {});
      return this.finish(summary, t0);
    } finally {
      clearInterval(renewal);
      await store.release(source.name, this.opts.owner).catch(() => {});
    }
  }

  private async read(
    source: SourceConfig,
    state: SourceState,
    signal: AbortSignal,
    summary: RunSummary,
  ): Promise<void> {
    const result = await this.deps.reader.read(source, { etag: state.etag, lastModified: state.lastModified }, signal);
    summary.bytes = result.bytes;
    let validators: Validators = { etag: state.etag, lastModified: state.lastModified };
    if (result.notModified) {
      summary.outcome = "not_modified";
    } else {
      // Items are independent (one course each): a few at a time, so a large feed is not a
      // queue of store round trips.
      const queue = [...result.items];
      // The scraper is the actor of what it imports.
      const courses = actingAs(this.deps.courses, `scraper:${source.name}`);
      const worker = async () => {
        for (let r = queue.shift(); r; r = queue.shift()) {
          if (signal.aborted) throw new Error("stopped by shutdown");
          if (!r.ok) {
            summary.failed++;
            log().warn({ source: source.name, externalId: r.externalId, reason: r.reason }, "scraped item rejected");
            continue;
          }
          const out = await importItem(courses, this.deps.ledger, source.name, r.item);
          if (out.outcome === "failed") {
            summary.failed++;
            log().warn(
              { source: source.name, externalId: r.item.externalId, reason: out.reason },
              "scraped item rejected",
            );
          } else summary[out.outcome]++;
        }
      };
      await Promise.all(Array.from({ length: ITEM_CONCURRENCY }, worker));
      summary.outcome = "imported";
      // Saved only after every item was applied: a run cut short is read in full next time.
      validators = result.validators;
    }
    const at = this.deps.courses.clock.now();
    await this.deps.store.saveState(source.name, { ...validators, failures: 0, lastRunAt: at, lastSuccessAt: at });
  }

  private finish(summary: RunSummary, t0: number): RunSummary {
    summary.ms = Math.round(performance.now() - t0);
    this.deps.observer?.run(summary);
    if (summary.outcome === "failed") log().warn({ ...summary }, "scraper source failed");
    else log().info({ ...summary }, "scraper source run");
    return summary;
  }
}

/** The one-line summary `courses scrape --once` prints per source. */
export function formatSummary(s: RunSummary): string {
  if (s.outcome === "failed") return `${s.source}: failed: ${s.error}`;
  if (s.outcome === "skipped") return `${s.source}: skipped (${s.reason})`;
  const counts = `${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged, ${s.failed} failed`;
  return `${s.source}: ${s.outcome === "not_modified" ? "not modified" : counts} (${s.ms} ms)`;
}
