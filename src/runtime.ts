// The runtime pieces every module shares, built once per process by src/main.ts (serve and
// scrape --once) and handed to the modules in their ServeContext: the clock, the id generator,
// this process's owner id (leases and claims), and the course repository with its outbox markers
// and the local relay's wake-up. src/modules.ts and src/scraper-wiring.ts both import this file;
// neither imports the other (modules.ts loads scraper-wiring.ts lazily, for start-up time).
import { hostname } from "node:os";
import type { Db } from "mongodb";
import type { ShutdownCoordinator } from "../lib/xshutdown/index.ts";
import { MongoCourseRepository } from "./adapters/mongo/course-repository.ts";
import { OutboxMarkers } from "./adapters/mongo/outbox-store.ts";
import type { Metrics } from "./adapters/telemetry/metrics.ts";
import type { Tracing } from "./adapters/telemetry/tracing.ts";
import type { OutboxWakeup } from "./app/outbox.ts";
import type { Config } from "./config.ts";

export const clock = { now: () => new Date() };
export const ids = { next: () => Bun.randomUUIDv7() };
/** Who holds a lease or a claim: host, pid and a random suffix (a restarted pid is someone else). */
export const ownerId = `${hostname()}:${process.pid}:${ids.next().slice(-8)}`;

/** The course repository of this process: writes wake the local relay (others poll the markers). */
export function courseRepository(cfg: Config, db: Db, wakeup: OutboxWakeup): MongoCourseRepository {
  return new MongoCourseRepository(db, new OutboxMarkers(db), {
    outboxMaxEvents: cfg.events.outboxMaxEvents,
    onEventsWritten: () => wakeup.notify(),
  });
}

/** What every module may use; built once by `serve`. */
export interface ServeContext {
  cfg: Config;
  db: Db;
  metrics: Metrics;
  tracing: Tracing;
  shutdown: ShutdownCoordinator;
  /** Wakes this process's relay at once when its API wrote events (others poll the markers). */
  wakeup: OutboxWakeup;
  /** The one course repository of the process (API and scraper write through it). */
  courses: MongoCourseRepository;
}

/** The enabled sources (names and URLs were checked when the configuration loaded: config-rules.ts). */
export function scraperSources(cfg: Config): Config["scraper"]["sources"] {
  return cfg.scraper.sources.filter((s) => s.enabled);
}
