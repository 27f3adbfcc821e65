// The cooperative modules `courses serve` hosts (part of the composition root, with main.ts).
// Each module starts its loops under the one shutdown coordinator and says what it needs from
// Kafka; main.ts owns the HTTP server and readiness, and builds the runtime pieces the modules
// share (src/runtime.ts). The Kafka modules' wiring is in src/kafka-wiring.ts and the scraper's in
// src/scraper-wiring.ts, both loaded on demand. A new module is one entry in MODULES (src/cli.ts,
// for --help and --modules) and one here.
import { createAuthenticator } from "./adapters/http/auth.ts";
import type { CourseRoutesDeps } from "./adapters/http/v1/routes.ts";
import { MongoIdempotencyStore } from "./adapters/mongo/idempotency-store.ts";
import { runPeriodically } from "./app/periodic.ts";
import type { ModuleName } from "./cli.ts";
import { clock, ids, type ServeContext } from "./runtime.ts";
import type { Config } from "./config.ts";
import type { DependencyCheck } from "./app/readiness.ts";

export interface Module {
  /**
   * How the module depends on Kafka. "required": it cannot work without it (an instance of only
   * such modules is unready while Kafka is down); "optional": it works on (the API writes events to
   * the outbox), so an instance hosting it stays ready; "none": no Kafka at all.
   */
  kafka: "none" | "optional" | "required";
  /** Topics the module produces to or consumes from; created at start when missing. */
  topics(cfg: Config): string[];
  /**
   * Starts the module's loops; the API module returns what the HTTP routes need, others the
   * checks readiness shows of their own state (required as Kafka is for the instance).
   */
  start(ctx: ServeContext): { api?: CourseRoutesDeps; checks?: DependencyCheck[] } | undefined;
}

/**
 * The Kafka modules' wiring (src/kafka-wiring.ts), loaded on first use like the scraper's:
 * evaluating the Kafka client's modules costs start-up time (docs/PERFORMANCE.md, "Measured
 * decisions"), and an API-only process without Kafka never pays it.
 */
export const kafkaWiring = () => import("./kafka-wiring.ts");

export const MODULE_IMPLEMENTATIONS: Record<ModuleName, Module> = {
  api: {
    kafka: "optional",
    topics: () => [],
    start({ cfg, db, shutdown, courses: repository }) {
      const idempotency = new MongoIdempotencyStore(db, {
        ttlMs: cfg.api.idempotencyKeyTtl,
        staleAfterMs: cfg.api.idempotencyInProgressTimeout,
      });
      void runPeriodically(
        "expire-idempotency-keys",
        cfg.api.housekeepingInterval,
        () => idempotency.expire(clock.now()),
        shutdown.worker("housekeeping"),
      );
      return {
        api: {
          courses: { courses: repository, clock, ids },
          idempotency,
          bodyLimit: cfg.http.bodyLimit,
          ...(cfg.auth.enabled
            ? {
                auth: {
                  authenticate: createAuthenticator({
                    ...cfg.auth,
                    clockSkewMs: cfg.auth.clockSkew,
                    maxTokenLifetimeMs: cfg.auth.maxTokenLifetime,
                  }),
                  requireForReads: cfg.auth.requireForReads,
                },
              }
            : {}),
        },
      };
    },
  },
  relay: {
    kafka: "required",
    topics: (cfg) => [cfg.events.topic],
    start: (ctx) => {
      kafkaWiring()
        .then((w) => w.startOutboxRelay(ctx))
        .catch((e) => ctx.shutdown.fail("outbox relay failed to start", e));
      return undefined;
    },
  },
  consumer: {
    kafka: "required",
    topics: (cfg) => [cfg.enrollments.topic, cfg.enrollments.dlqTopic],
    start: (ctx) => {
      const health = kafkaWiring().then((w) => w.startEnrollmentConsumer(ctx));
      health.catch((e) => ctx.shutdown.fail("enrollment consumer failed to start", e));
      return {
        checks: [
          {
            name: "enrollment-consumer",
            check: async () => {
              const h = (await health)();
              if (!h.ok) throw new Error(h.detail);
            },
          },
        ],
      };
    },
  },
  scraper: {
    // Imports write courses and their events to the outbox; the relay (anywhere) publishes them.
    kafka: "none",
    topics: () => [],
    start: (ctx) => {
      // Loaded on demand: the feed parsers cost start-up time to processes that never scrape.
      const worker = ctx.shutdown.worker("scraper");
      import("./scraper-wiring.ts")
        .then(({ buildScraper }) => buildScraper(ctx).run(worker))
        .catch((e) => ctx.shutdown.fail("scraper failed", e));
      return undefined;
    },
  },
};

/** Kafka's place in readiness for a set of modules: absent, informative, or required. */
export function kafkaReadiness(modules: Module[], requireKafka: boolean): "none" | "optional" | "required" {
  if (modules.every((m) => m.kafka === "none")) return "none";
  if (requireKafka) return "required";
  return modules.some((m) => m.kafka === "optional") ? "optional" : "required";
}
