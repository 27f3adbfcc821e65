// Composition root: reads config, builds adapters and use cases, registers everything with
// xshutdown and starts the modes asked for. Nothing else constructs dependencies.
//
//   courses [serve]       run the service (default)
//   courses migrate       apply pending MongoDB migrations and exit
//   courses config        list every COURSES_* variable with its type, default and current source
//                         (--markdown: the reference table of docs/CONFIG.md)
//   courses openapi       print the OpenAPI document
//   courses healthcheck   exit 0 when this instance's /healthz answers (for container healthchecks)
//   courses outbox retry-parked   put every parked event back in its course's outbox
import { hostname } from "node:os";
import type { Kafka } from "kafkajs";
import type { Db } from "mongodb";
import pkg from "../package.json" with { type: "json" };
import { ConfigError, describeEnv, formatEnvMarkdown, formatEnvTable, redact } from "../lib/xconfig/index.ts";
import { describe as describeError } from "../lib/xerrors/index.ts";
import { createLogger, log, setRootLogger, type Logger } from "../lib/xlog/index.ts";
import { configureShutdown, type ShutdownCoordinator } from "../lib/xshutdown/index.ts";
import { createHttpApp } from "./adapters/http/app.ts";
import { buildOpenApiDocument } from "./adapters/http/openapi.ts";
import { createRequestHandler, startHttpServer } from "./adapters/http/server.ts";
import { createKafka, kafkaCheck } from "./adapters/kafka/client.ts";
import { EnrollmentConsumer } from "./adapters/kafka/enrollment-consumer.ts";
import { KafkaEventPublisher } from "./adapters/kafka/event-publisher.ts";
import { ensureTopics } from "./adapters/kafka/topics.ts";
import { createMongoClient, mongoCheck } from "./adapters/mongo/client.ts";
import { MongoCourseRepository } from "./adapters/mongo/course-repository.ts";
import { MongoEnrollmentLedger } from "./adapters/mongo/enrollment-ledger.ts";
import { MongoIdempotencyStore } from "./adapters/mongo/idempotency-store.ts";
import { MigrationEditedError, migrate } from "./adapters/mongo/migrate.ts";
import { MIGRATIONS } from "./adapters/mongo/migrations.ts";
import { MongoOutboxStore, OutboxMarkers } from "./adapters/mongo/outbox-store.ts";
import { createMetrics, type Metrics } from "./adapters/telemetry/metrics.ts";
import { initTracing, type Tracing } from "./adapters/telemetry/tracing.ts";
import type { CourseDeps } from "./app/courses.ts";
import { applyEnrollmentEvent } from "./app/enrollments.ts";
import { OutboxWakeup } from "./app/outbox.ts";
import { OutboxRelay } from "./app/outbox-relay.ts";
import { runPeriodically } from "./app/periodic.ts";
import { checkReadiness, optional } from "./app/readiness.ts";
import { retryUntilDone } from "./app/retry.ts";
import { type Config, ConfigSchema, ENV_PREFIX, loadConfig } from "./config.ts";

const clock = { now: () => new Date() };
const ids = { next: () => Bun.randomUUIDv7() };

async function serve(cfg: Config): Promise<void> {
  const logger = rootLogger(cfg);
  logger.info({ config: redact(ConfigSchema, cfg) }, "starting");
  const shutdown = configureShutdown({ deadlineMs: cfg.shutdown.deadline, defaultTimeoutMs: cfg.shutdown.callbackTimeout, logger }).listen();

  // Telemetry first, so everything after it is traced and measured.
  const tracing = initTracing({
    enabled: cfg.telemetry.tracingEnabled,
    serviceName: cfg.service.name,
    serviceVersion: pkg.version,
    environment: cfg.service.environment,
    otlpEndpoint: cfg.telemetry.otlpEndpoint,
    sampleRatio: cfg.telemetry.sampleRatio,
  });
  shutdown.register("tracing", () => tracing.shutdown(), { phase: "telemetry" });
  const metrics = createMetrics({ service: cfg.service.name, environment: cfg.service.environment });

  // MongoDB: one client, migrations (waiting for the store if it is down).
  const mongo = createMongoClient(cfg.mongo, cfg.service.name);
  shutdown.register("mongo", () => mongo.close(), { phase: "clients" });
  const db = mongo.db(cfg.mongo.database);
  const migrated = cfg.mongo.migrateOnStart ? startMigrations(db, shutdown, cfg.mongo.serverSelectionTimeout) : { done: () => true, firstAttempt: Promise.resolve() };
  await migrated.firstAttempt;

  // Kafka: topics, the outbox relay, the enrollment consumer.
  const kafka = createKafka(cfg.kafka);
  const kafkaAdmin = kafka.admin();
  shutdown.register("kafka-admin", () => kafkaAdmin.disconnect(), { phase: "clients" });
  const topics = [cfg.events.topic, cfg.enrollments.topic, cfg.enrollments.dlqTopic].map((topic) => ({ topic, numPartitions: cfg.kafka.topicPartitions, replicationFactor: cfg.kafka.replicationFactor }));
  void retryUntilDone("create kafka topics", shutdown.signal, async () => {
    await kafkaAdmin.connect();
    const created = await ensureTopics(kafkaAdmin, topics);
    if (created.length) log().info({ topics: created }, "kafka topics created");
  });
  // The relay of this process wakes at once when the API writes events; others poll the markers.
  const wakeup = new OutboxWakeup();
  if (cfg.events.relayEnabled) startOutboxRelay(cfg, db, kafka, metrics, wakeup, shutdown);
  const ledger = new MongoEnrollmentLedger(db);
  if (cfg.enrollments.consumerEnabled) startEnrollmentConsumer(cfg, ledger, kafka, metrics, tracing, shutdown);

  // Use cases and housekeeping.
  const repository = new MongoCourseRepository(db, new OutboxMarkers(db), { outboxMaxEvents: cfg.events.outboxMaxEvents, onEventsWritten: () => wakeup.notify() });
  const courses: CourseDeps = { courses: repository, clock, ids };
  const idempotency = new MongoIdempotencyStore(db, { ttlMs: cfg.api.idempotencyKeyTtl, staleAfterMs: 60_000 });
  void runPeriodically("expire-idempotency-keys", cfg.api.housekeepingInterval, () => idempotency.expire(clock.now()), shutdown.worker("housekeeping"));
  void runPeriodically("expire-processed-events", cfg.api.housekeepingInterval, () => ledger.expire(new Date(clock.now().getTime() - cfg.enrollments.processedRetention)), shutdown.worker("processed-events-housekeeping"));

  // HTTP last: it reports ready only once the rest is wired.
  // Kafka down leaves the API ready by default: the outbox holds the events until it returns.
  const kafkaHealth = kafkaCheck(kafkaAdmin);
  const checks = [mongoCheck(mongo, cfg.mongo.database, migrated.done), cfg.readiness.requireKafka ? kafkaHealth : optional(kafkaHealth)];
  const app = createHttpApp({
    metrics,
    readiness: () => checkReadiness(checks, cfg.readiness.checkTimeout),
    accepting: () => !shutdown.isShuttingDown,
    api: { courses, idempotency, bodyLimit: cfg.http.bodyLimit },
    version: pkg.version,
  });
  const server = startHttpServer(
    { host: cfg.http.host, port: cfg.http.port, idleTimeoutMs: cfg.http.idleTimeout, bodyLimit: cfg.http.bodyLimit },
    createRequestHandler(app, { tracer: tracing.tracer, metrics, bodyLimit: cfg.http.bodyLimit }),
  );
  // Stop accepting, let in-flight requests finish (Bun waits for them with stop(false)).
  shutdown.register("http-server", () => server.stop(false), { phase: "intake" });
  logger.info({ url: `http://${cfg.http.host}:${server.port}` }, "listening");
}

/**
 * Applies migrations in the background until they succeed (the store may be down at start;
 * readyz says so meanwhile). An edited migration is fatal. `firstAttempt` resolves after the
 * first try or the store's selection timeout, so a healthy start serves migrated.
 */
function startMigrations(db: Db, shutdown: ShutdownCoordinator, selectionTimeoutMs: number) {
  let done = false;
  const finished = retryUntilDone("apply migrations", shutdown.signal, async () => {
    try {
      log().info(await migrate(db, MIGRATIONS), "migrations checked");
      done = true;
    } catch (e) {
      if (e instanceof MigrationEditedError) {
        log().fatal({ error: e.message }, "refusing to start");
        process.exit(1);
      }
      throw e;
    }
  });
  return { done: () => done, firstAttempt: Promise.race([finished, Bun.sleep(selectionTimeoutMs + 1000)]).then(() => {}) };
}

function startOutboxRelay(cfg: Config, db: Db, kafka: Kafka, metrics: Metrics, wakeup: OutboxWakeup, shutdown: ShutdownCoordinator): void {
  const e = cfg.events;
  const publisher = new KafkaEventPublisher(kafka, e.topic, e.source);
  shutdown.register("kafka-producer", () => publisher.close(), { phase: "clients" });
  const store = new MongoOutboxStore(db, `${hostname()}:${process.pid}:${ids.next().slice(-8)}`);
  const relay = new OutboxRelay(
    store,
    publisher,
    { pollIntervalMs: e.pollInterval, retryBackoffMaxMs: e.retryBackoffMax, leaseMs: e.leaseDuration, batchMaxCourses: e.batchMaxCourses, batchMaxEvents: e.batchMaxEvents, batchMaxBytes: e.batchMaxBytes, maxAttempts: e.maxAttempts },
    {
      published: (n) => metrics.outboxPublished.inc(n),
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
  void runPeriodically("outbox-marker-sweep", e.sweepInterval, async () => {
    const repaired = await store.repairMarkers();
    if (repaired) {
      log().warn({ repaired }, "pending markers recreated for courses whose events had lost theirs");
      wakeup.notify();
    }
    return repaired;
  }, shutdown.worker("outbox-marker-sweep"));
}

function startEnrollmentConsumer(cfg: Config, ledger: MongoEnrollmentLedger, kafka: Kafka, metrics: Metrics, tracing: Tracing, shutdown: ShutdownCoordinator): void {
  const e = cfg.enrollments;
  const consumer = new EnrollmentConsumer(
    kafka,
    { topic: e.topic, dlqTopic: e.dlqTopic, groupId: e.groupId, partitionsConsumedConcurrently: e.partitionsConsumedConcurrently, retryBackoffInitialMs: e.retryBackoffInitial, retryBackoffMaxMs: e.retryBackoffMax, maxAttemptsOnBug: e.maxAttemptsOnBug },
    (event) => applyEnrollmentEvent(ledger, event),
    (outcome) => metrics.enrollmentEvents.inc({ outcome }),
    tracing.tracer,
  );
  const worker = shutdown.worker("enrollment-consumer");
  void retryUntilDone("start enrollment consumer", worker.signal, () => consumer.run(worker));
}

function rootLogger(cfg: Config): Logger {
  const logger = createLogger({
    level: cfg.log.level,
    format: cfg.log.format,
    base: { service: cfg.service.name, version: pkg.version, env: cfg.service.environment },
  });
  setRootLogger(logger);
  return logger;
}

async function migrateOnly(cfg: Config): Promise<void> {
  const logger = rootLogger(cfg);
  const mongo = createMongoClient(cfg.mongo, cfg.service.name);
  try {
    const result = await migrate(mongo.db(cfg.mongo.database), MIGRATIONS);
    logger.info(result, "migrations done");
  } finally {
    await mongo.close();
  }
}

async function outboxCommand(cfg: Config, sub: string | undefined): Promise<number> {
  if (sub !== "retry-parked") {
    console.error("usage: courses outbox retry-parked   (put every parked event back in its course's outbox)");
    return 2;
  }
  rootLogger(cfg);
  const mongo = createMongoClient(cfg.mongo, cfg.service.name);
  try {
    const requeued = await new MongoOutboxStore(mongo.db(cfg.mongo.database), `cli:${process.pid}`).requeueParked();
    console.log(`re-queued ${requeued} parked event${requeued === 1 ? "" : "s"}; a running relay publishes them`);
    return 0;
  } finally {
    await mongo.close();
  }
}

function printOpenApi(): void {
  const unused = () => Promise.reject(new Error("not serving"));
  const app = createHttpApp({
    metrics: createMetrics({ service: "courses", environment: "spec" }),
    readiness: unused,
    accepting: () => false,
    api: { courses: { courses: undefined as never, clock, ids }, idempotency: undefined as never, bodyLimit: 0 },
    version: pkg.version,
  });
  console.log(JSON.stringify(buildOpenApiDocument(app, { version: pkg.version }), null, 2));
}

/** For images without curl: asks this instance's /healthz. */
async function healthcheck(cfg: Config): Promise<number> {
  try {
    const res = await fetch(`http://127.0.0.1:${cfg.http.port}/healthz`, { signal: AbortSignal.timeout(2000) });
    return res.ok ? 0 : 1;
  } catch {
    return 1;
  }
}

function printConfig(): void {
  if (process.argv.includes("--markdown")) {
    console.log(formatEnvMarkdown(describeEnv(ConfigSchema, ENV_PREFIX)));
    return;
  }
  let loaded;
  try {
    loaded = loadConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(e.message);
  }
  console.log(formatEnvTable(describeEnv(ConfigSchema, ENV_PREFIX, loaded)));
}

const command = process.argv[2] ?? "serve";
try {
  switch (command) {
    case "serve":
      await serve(loadConfig().config);
      break;
    case "migrate":
      await migrateOnly(loadConfig().config);
      break;
    case "config":
      printConfig();
      break;
    case "openapi":
      printOpenApi();
      break;
    case "healthcheck":
      process.exit(await healthcheck(loadConfig().config));
    case "outbox":
      process.exit(await outboxCommand(loadConfig().config, process.argv[3]));
    default:
      console.error(`unknown command '${command}'. Commands: serve (default), migrate, config, openapi, healthcheck, outbox retry-parked`);
      process.exit(2);
  }
} catch (e) {
  // Config errors are for humans: print them plainly, without a stack.
  if (e instanceof ConfigError) console.error(e.message);
  else console.error(`fatal: ${describeError(e)}`);
  process.exit(1);
}
