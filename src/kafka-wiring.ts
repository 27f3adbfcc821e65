// The Kafka modules' wiring — the outbox relay, the enrollment consumer, and the admin client
// that creates topics and answers readiness — loaded on demand (modules.ts, main.ts): the Kafka
// client's modules cost start-up time, paid after the HTTP listener is up, and never by a
// process without Kafka.
import { log } from "../lib/xlog/index.ts";
import type { ShutdownCoordinator } from "../lib/xshutdown/index.ts";
import { createAdmin, kafkaCheck } from "./adapters/kafka/client.ts";
import { EnrollmentConsumer } from "./adapters/kafka/enrollment-consumer.ts";
import { KafkaEventPublisher } from "./adapters/kafka/event-publisher.ts";
import { ensureTopics, type TopicSpec } from "./adapters/kafka/topics.ts";
import { MongoEnrollmentLedger } from "./adapters/mongo/enrollment-ledger.ts";
import { MongoOutboxStore } from "./adapters/mongo/outbox-store.ts";
import { applyEnrollmentEvent } from "./app/enrollments.ts";
import { OutboxRelay } from "./app/outbox-relay.ts";
import { runPeriodically } from "./app/periodic.ts";
import type { DependencyCheck } from "./app/readiness.ts";
import { retryUntilDone } from "./app/retry.ts";
import type { Config } from "./config.ts";
import { clock, ownerId, type ServeContext } from "./runtime.ts";

/** The admin client: creates `topics` in the background until Kafka answers; returns its readiness check. */
export function startKafkaAdmin(cfg: Config, topics: TopicSpec[], shutdown: ShutdownCoordinator): DependencyCheck {
  const admin = createAdmin(cfg.kafka);
  shutdown.register("kafka-admin", () => admin.close(), { phase: "clients" });
  void retryUntilDone("create kafka topics", shutdown.signal, async () => {
    const created = await ensureTopics(admin, topics);
    if (created.length) log().info({ topics: created }, "kafka topics created");
  });
  return kafkaCheck(admin);
}

export function startOutboxRelay({ cfg, db, metrics, tracing, wakeup, shutdown }: ServeContext): void {
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

/** Starts the consumer; returns its health, for the module's readiness check. */
export function startEnrollmentConsumer({ cfg, db, metrics, tracing, shutdown }: ServeContext): () => {
  ok: boolean;
  detail: string;
} {
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
  return () => consumer.health();
}
