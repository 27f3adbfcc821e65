// The cooperative modules `courses serve` hosts (part of the composition root, with main.ts).
// Each module starts its loops under the one shutdown coordinator and says what it needs from
// Kafka; main.ts owns the shared clients, the HTTP server and readiness, and builds the runtime
// pieces the modules share (src/runtime.ts). A new module is one entry in MODULES (src/cli.ts, for
// --help and --modules) and one here.
import { log } from "../lib/xlog/index.ts";
import { createAuthenticator } from "./adapters/http/auth.ts";
import type { CourseRoutesDeps } from "./adapters/http/v1/routes.ts";
import { EnrollmentConsumer } from "./adapters/kafka/enrollment-consumer.ts";
import { KafkaEventPublisher } from "./adapters/kafka/event-publisher.ts";
import { MongoEnrollmentLedger } from "./adapters/mongo/enrollment-ledger.ts";
import { MongoIdempotencyStore } from "./adapters/mongo/idempotency-store.ts";
import { MongoOutboxStore } from "./adapters/mongo/outbox-store.ts";
import { applyEnrollmentEvent } from "./app/enrollments.ts";
import { OutboxRelay } from "./app/outbox-relay.ts";
import { runPeriodically } from "./app/periodic.ts";
import type { ModuleName } from "./cli.ts";
import { clock, ids, ownerId, type ServeContext } from "./runtime.ts";
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
      startOutboxRelay(ctx);
      return undefined;
    },
  },
  consumer: {
    kafka: "required",
    topics: (cfg) => [cfg.enrollments.topic, cfg.enrollments.dlqTopic],
    start: (ctx) => ({ checks: [startEnrollmentConsumer(ctx)] }),
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

function startOutboxRelay({ cfg, db, metrics, tracing, wakeup, shutdown }: ServeContext): void {
  const e = cfg.events;
  // A publish gets the client's own retries (3 × the request timeout) and no more.
  const publisher = new KafkaEventPublisher(cfg.kafka, e.topic, e.source, tracing.tracer, 3 * cfg.kafka.requestTimeout);
  shutdown.register("kafka-producer", () => publisher.close(), { phase: "clients" });
  const store = new MongoOutboxStore(db, ownerId);
  const relay = new OutboxRelay(
    store,
    publisher,
    {
      pollIntervalMs: e.pollInterval,
      retryBackoffMaxMs: e.retryBackoffMax,
      leaseMs: e.leaseDuration,
      batchMaxCourses: e.batchMaxCourses,
      batchMaxEvents: e.batchMaxEvents,
      batchMaxBytes: e.batchMaxBytes,
      maxAttempts: e.maxAttempts,
    },
    {
      published: (n) => {
        metrics.outboxPublished.inc(n);
        metrics.kafkaProduced.inc({ topic: e.topic }, n);
      },
      failed: () => metrics.outboxFailures.inc(),
      parked: (reason) => metrics.outboxParkedTotal.inc({ reason }),
      leaseLost: (n) => metrics.outboxLeasesLost.inc(n),
    },
    wakeup,
  );
  void relay.run(shutdown.worker("outbox-relay"));
  // The backlog from the store on its own timer (and at start): true while nothing drains.
  const reportBacklog = async () => {
    const b = await store.backlog(clock.now());
    metrics.outboxPending.set(b.events);
    metrics.outboxPendingCourses.set(b.courses);
    metrics.outboxOldestAge.set(b.oldestAgeMs / 1000);
    metrics.outboxParked.set(b.parked);
    return b;
  };
  void runPeriodically("outbox-backlog", e.backlogInterval, reportBacklog, shutdown.worker("outbox-backlog"));
  void runPeriodically(
    "outbox-marker-sweep",
    e.sweepInterval,
    async () => {
      const repaired = await store.repairMarkers();
      if (repaired) {
        log().warn({ repaired }, "pending markers recreated for courses whose events had lost theirs");
        wakeup.notify();
      }
      return repaired;
    },
    shutdown.worker("outbox-marker-sweep"),
  );
}

function startEnrollmentConsumer({ cfg, db, metrics, tracing, shutdown }: ServeContext): DependencyCheck {
  const e = cfg.enrollments;
  const ledger = new MongoEnrollmentLedger(db);
  const consumer = new EnrollmentConsumer(
    cfg.kafka,
    {
      topic: e.topic,
      dlqTopic: e.dlqTopic,
      groupId: e.groupId,
      partitionsConsumedConcurrently: e.partitionsConsumedConcurrently,
      retryBackoffInitialMs: e.retryBackoffInitial,
      retryBackoffMaxMs: e.retryBackoffMax,
      maxAttemptsOnBug: e.maxAttemptsOnBug,
      fromBeginning: e.startFrom === "earliest",
      onLag: (topic, partition, lag) => metrics.kafkaConsumerLag.set({ topic, partition: String(partition) }, lag),
      onCrash: () => metrics.enrollmentConsumerCrashes.inc(),
      onSkipped: () => metrics.enrollmentSkipped.inc(),
    },
    (event) => applyEnrollmentEvent(ledger, event),
    (outcome) => {
      metrics.enrollmentEvents.inc({ outcome });
      if (outcome !== "retry") metrics.kafkaConsumed.inc({ topic: e.topic });
      if (outcome === "dead_lettered") metrics.kafkaDeadLettered.inc({ topic: e.topic });
    },
    tracing.tracer,
  );
  const worker = shutdown.worker("enrollment-consumer");
  // The consumer's own supervisor retries until Kafka answers: nothing to retry here.
  void consumer.run(worker);
  void runPeriodically(
    "expire-processed-events",
    cfg.api.housekeepingInterval,
    () => ledger.expire(new Date(clock.now().getTime() - e.processedRetention)),
    shutdown.worker("processed-events-housekeeping"),
  );
  return {
    name: "enrollment-consumer",
    check: async () => {
      const health = consumer.health();
      if (!health.ok) throw new Error(health.detail);
    },
  };
}
