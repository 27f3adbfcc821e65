// Composition root: parses the command line, reads config, builds adapters and use cases,
// registers everything with xshutdown and starts the modules asked for (src/modules.ts).
// Nothing else constructs dependencies. Commands, flags and exit codes: src/cli.ts (`courses --help`).
import type { Db } from "mongodb";
import { ConfigError, describeEnv, formatEnvMarkdown, formatEnvTable, redact } from "../lib/xconfig/index.ts";
import { describe as describeError } from "../lib/xerrors/index.ts";
import { createLogger, log, setRootLogger, type Logger } from "../lib/xlog/index.ts";
import { configureShutdown, type ShutdownCoordinator, sleepUnlessAborted } from "../lib/xshutdown/index.ts";
import { createHttpApp, httpRoutes } from "./adapters/http/app.ts";
import { metricsResponse } from "./adapters/http/health.ts";
import { mintToken, SCOPES } from "./adapters/http/auth.ts";
import { buildOpenApiDocument } from "./adapters/http/openapi.ts";
import { pathOf } from "./adapters/http/route.ts";
import { createRequestHandler, livenessRoute, startHttpServer } from "./adapters/http/server.ts";
import type { CourseRoutesDeps } from "./adapters/http/v1/routes.ts";
import { createMongoClient, mongoCheck } from "./adapters/mongo/client.ts";
import { MigrationEditedError, migrate } from "./adapters/mongo/migrate.ts";
import { MIGRATIONS } from "./adapters/mongo/migrations.ts";
import { MongoOutboxStore } from "./adapters/mongo/outbox-store.ts";
import { instrumentDb, instrumentMongoPool, mongoServer } from "./adapters/mongo/telemetry.ts";
import { createMetrics } from "./adapters/telemetry/metrics.ts";
import { initTracing } from "./adapters/telemetry/tracing.ts";
import { OutboxWakeup } from "./app/outbox.ts";
import { checkReadiness, optional, type DependencyCheck } from "./app/readiness.ts";
import { retryUntilDone } from "./app/retry.ts";
import { BUILD } from "./build-info.ts";
import { EXIT, helpText, parseCommandLine, parseModules, UsageError, type Invocation, type ModuleName } from "./cli.ts";
import { type Config, ConfigSchema, ENV_PREFIX, loadConfig } from "./config.ts";
import { formatSummary } from "./app/scraper.ts";
import { configProblems, httpStopTimeout } from "./config-rules.ts";
import { kafkaReadiness, kafkaWiring, MODULE_IMPLEMENTATIONS, type Module } from "./modules.ts";
import { clock, courseRepository, ids, type ServeContext } from "./runtime.ts";

/**
 * `serve`: the runtime, then each piece in the order it may be needed. Nothing waits for a
 * dependency before listening; /readyz says what is not there yet.
 */
async function serve(cfg: Config, names: ModuleName[]): Promise<void> {
  const modules = names.map((n) => MODULE_IMPLEMENTATIONS[n]);
  const runtime = startRuntime(cfg);
  announce(cfg, names, runtime.logger);
  const migrated = startMigrations(cfg, runtime.db, runtime.shutdown);
  const checks: DependencyCheck[] = [mongoCheck(runtime.mongo, cfg.mongo.database, migrated.applied)];
  const kafkaRole = kafkaReadiness(modules, cfg.readiness.requireKafka);
  startKafka(cfg, modules, kafkaRole, runtime.shutdown, checks);
  const api = startModules(modules, { ...runtime, cfg, wakeup: new OutboxWakeup() }, kafkaRole, checks);
  const listening = startHttp(cfg, runtime, { api, checks, migrated });
  if (names.includes("api")) await printDevToken(cfg);
  runtime.logger.info({ ...listening, modules: names }, "listening");
}

/** The start-up line with the configuration (secrets redacted), and what in it is risky. */
function announce(cfg: Config, names: ModuleName[], logger: Logger): void {
  logger.info({ config: redact(ConfigSchema, cfg), modules: names, build: BUILD }, "starting");
  if (names.includes("api") && cfg.auth.enabled && cfg.auth.jwksUrl && !cfg.auth.audience)
    logger.warn(
      { setting: "auth.audience" },
      "auth.audience is empty: tokens the identity provider issued for any other service are accepted; set COURSES_AUTH_AUDIENCE",
    );
}

/**
 * Kafka: an admin client; the topics the modules use, created in the background until Kafka
 * answers; its readiness check (each module's own clients are the modules'). With the API hosted, Kafka down leaves the instance ready by default (the
 * outbox holds the events until it returns); worker-only instances cannot work without it.
 */
function startKafka(
  cfg: Config,
  modules: Module[],
  role: ReturnType<typeof kafkaReadiness>,
  shutdown: ShutdownCoordinator,
  checks: DependencyCheck[],
): void {
  if (role === "none") return;
  const topics = [...new Set(modules.flatMap((m) => m.topics(cfg)))].map((topic) => ({
    topic,
    numPartitions: cfg.kafka.topicPartitions,
    replicationFactor: cfg.kafka.replicationFactor,
  }));
  const check = kafkaWiring().then((w) => w.startKafkaAdmin(cfg, topics, shutdown));
  check.catch((e) => shutdown.fail("kafka admin failed to start", e));
  const kafka: DependencyCheck = { name: "kafka", check: async (signal) => (await check).check(signal) };
  checks.push(role === "required" ? kafka : optional(kafka));
}

/** Starts each module with the shared pieces; returns the API's dependencies when one hosts it. */
function startModules(
  modules: Module[],
  shared: Omit<ServeContext, "courses">,
  kafkaRole: ReturnType<typeof kafkaReadiness>,
  checks: DependencyCheck[],
): CourseRoutesDeps | undefined {
  const ctx: ServeContext = { ...shared, courses: courseRepository(shared.cfg, shared.db, shared.wakeup) };
  let api: CourseRoutesDeps | undefined;
  for (const m of modules) {
    const started = m.start(ctx);
    api = started?.api ?? api;
    for (const c of started?.checks ?? []) checks.push(kafkaRole === "required" ? c : optional(c));
  }
  return api;
}

/**
 * HTTP last, in every mode: /healthz, /readyz, /metrics; the API and its docs with the api
 * module; /metrics on a port of its own when configured (scrapers reach it, the public does not).
 * Returns where it listens.
 */
function startHttp(
  cfg: Config,
  { shutdown, tracing, metrics }: ReturnType<typeof startRuntime>,
  parts: { api?: CourseRoutesDeps; checks: DependencyCheck[]; migrated: ReturnType<typeof startMigrations> },
): { url: string; metricsUrl?: string } {
  const app = createHttpApp({
    metrics,
    readiness: () => checkReadiness(parts.checks, cfg.readiness.checkTimeout),
    accepting: () => !shutdown.isShuttingDown,
    api: parts.api,
    version: BUILD.version,
    metricsOnApiPort: cfg.http.metricsPort === 0,
  });
  const metricsServer =
    cfg.http.metricsPort === 0
      ? undefined
      : Bun.serve({
          hostname: cfg.http.host,
          port: cfg.http.metricsPort,
          fetch: (request) =>
            pathOf(request.url) === "/metrics"
              ? metricsResponse(metrics, request)
              : new Response("not found", { status: 404, headers: { "x-content-type-options": "nosniff" } }),
        });
  if (metricsServer) shutdown.register("metrics-server", () => metricsServer.stop(false), { phase: "telemetry" });
  const server = startHttpServer(
    { host: cfg.http.host, port: cfg.http.port, idleTimeoutMs: cfg.http.idleTimeout, bodyLimit: cfg.http.bodyLimit },
    createRequestHandler(app, {
      tracer: tracing.tracer,
      metrics,
      bodyLimit: cfg.http.bodyLimit,
      requestTimeoutMs: cfg.http.requestTimeout,
      corsOrigins: cfg.http.corsOrigins,
      apiReady: parts.migrated,
    }),
    livenessRoute(metrics),
  );
  // On the signal /readyz turns 503 at once (accepting() is false) while requests are still
  // served for shutdown.drainDelay, so load balancers stop routing here before anything is
  // refused; then the listener closes and in-flight requests finish (stop(false) waits for them).
  // The step may take the drain plus the longest request (config-rules.ts checks it fits).
  shutdown.register(
    "http-server",
    async (signal) => {
      if (cfg.shutdown.drainDelay > 0) {
        log().info({ drainDelayMs: cfg.shutdown.drainDelay }, "draining: not ready, still serving");
        await sleepUnlessAborted(cfg.shutdown.drainDelay, signal);
      }
      await server.stop(false);
    },
    { phase: "intake", timeoutMs: httpStopTimeout(cfg) },
  );
  return {
    url: `http://${cfg.http.host}:${server.port}`,
    ...(metricsServer ? { metricsUrl: `http://${cfg.http.host}:${metricsServer.port}/metrics` } : {}),
  };
}

/** auth.devToken: a 12-hour token for the developer, on stderr (the log would redact it). */
async function printDevToken(cfg: Config): Promise<void> {
  if (!cfg.auth.enabled || !cfg.auth.devToken || !cfg.auth.hs256Secret) return;
  const token = await mintToken(cfg.auth.hs256Secret, {
    subject: "developer",
    scopes: [SCOPES.write, SCOPES.admin],
    ttlSeconds: 12 * 3600,
    issuer: cfg.auth.issuer || undefined,
    audience: cfg.auth.audience || undefined,
    scopeClaim: cfg.auth.scopeClaim,
  });
  console.error(
    `development token (auth.devToken, subject "developer", scopes ${SCOPES.write} ${SCOPES.admin}, 12 h):\nBearer ${token}`,
  );
}

/**
 * What every long-running command starts with, in this order: the logger, the shutdown
 * coordinator, telemetry (so everything after it is traced and measured: tracing is flushed last
 * at shutdown), and the one MongoDB client with its spans and metrics.
 */
function startRuntime(cfg: Config) {
  const logger = rootLogger(cfg);
  const shutdown = configureShutdown({
    deadlineMs: cfg.shutdown.deadline,
    defaultTimeoutMs: cfg.shutdown.callbackTimeout,
    logger,
  })
    .listen()
    .exitOnCrash();
  const tracing = initTracing({
    enabled: cfg.telemetry.tracingEnabled,
    serviceName: cfg.service.name,
    serviceVersion: BUILD.version,
    environment: cfg.service.environment,
    otlpEndpoint: cfg.telemetry.otlpEndpoint,
    sampleRatio: cfg.telemetry.sampleRatio,
  });
  shutdown.register("tracing", () => tracing.shutdown(), { phase: "telemetry" });
  const metrics = createMetrics(
    { service: cfg.service.name, environment: cfg.service.environment },
    { version: BUILD.version, revision: BUILD.revision, runtime: `bun ${Bun.version}` },
  );
  const mongo = createMongoClient(cfg.mongo, cfg.service.name);
  shutdown.register("mongo", () => mongo.close(), { phase: "clients" });
  instrumentMongoPool(mongo, metrics, cfg.mongo.maxPoolSize);
  const db = instrumentDb(mongo.db(cfg.mongo.database), {
    tracer: tracing.tracer,
    metrics,
    server: mongoServer(cfg.mongo.url),
  });
  return { logger, shutdown, tracing, metrics, mongo, db };
}

/**
 * Applies migrations in the background until they succeed (mongo.migrateOnStart; the store may
 * be down at start: readyz says so meanwhile, and the process listens at once — exec → first 200
 * on /healthz is what an orchestrator waits for). An edited migration is fatal. `done()` turns true after the first
 * attempt, whatever its outcome, and `wait` resolves then: API requests wait for it (a healthy
 * start serves migrated); past a failed attempt they meet the store as it is (503 store_unavailable).
 */
function startMigrations(cfg: Config, db: Db, shutdown: ShutdownCoordinator) {
  if (!cfg.mongo.migrateOnStart) return { applied: () => true, done: () => true, wait: Promise.resolve() };
  let attempted = false;
  let applied = false;
  let firstAttempt!: () => void;
  const wait = new Promise<void>((resolve) => (firstAttempt = resolve));
  void retryUntilDone("apply migrations", shutdown.signal, async () => {
    try {
      log().info(await migrate(db, MIGRATIONS), "migrations checked");
      applied = true;
    } catch (e) {
      if (e instanceof MigrationEditedError) {
        log().fatal({ error: e.message }, "refusing to start");
        process.exit(EXIT.failure);
      }
      throw e;
    } finally {
      attempted = true;
      firstAttempt();
    }
  });
  return { applied: () => applied, done: () => attempted, wait };
}

function rootLogger(cfg: Config): Logger {
  const logger = createLogger({
    level: cfg.log.level,
    format: cfg.log.format,
    base: { service: cfg.service.name, version: BUILD.version, env: cfg.service.environment },
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

/** `scrape --once`: every enabled source once; a summary line each on stderr; 1 when any failed. */
async function scrapeOnce(cfg: Config): Promise<number | undefined> {
  const { logger, shutdown, tracing, metrics, db } = startRuntime(cfg);
  if (cfg.mongo.migrateOnStart) logger.info(await migrate(db, MIGRATIONS), "migrations checked");
  const { buildScraper } = await import("./scraper-wiring.ts");
  const scraper = buildScraper({ cfg, db, metrics, tracing, courses: courseRepository(cfg, db, new OutboxWakeup()) });
  const worker = shutdown.worker("scraper");
  const summaries = await scraper.runOnce(worker.signal);
  worker.drained();
  for (const s of summaries) console.error(formatSummary(s));
  // A signal arrived: the coordinator finishes the shutdown and exits with its own code.
  if (shutdown.isShuttingDown) return undefined;
  const failed = summaries.some((s) => s.outcome === "failed");
  await shutdown.shutdown("scrape --once done");
  return failed ? EXIT.failure : EXIT.ok;
}

async function retryParked(cfg: Config): Promise<number> {
  rootLogger(cfg);
  const mongo = createMongoClient(cfg.mongo, cfg.service.name);
  try {
    const requeued = await new MongoOutboxStore(mongo.db(cfg.mongo.database), `cli:${process.pid}`).requeueParked();
    console.log(`re-queued ${requeued} parked event${requeued === 1 ? "" : "s"}; a running relay publishes them`);
    return EXIT.ok;
  } finally {
    await mongo.close();
  }
}

async function printOpenApi(): Promise<void> {
  const routes = httpRoutes({
    metrics: createMetrics({ service: "courses", environment: "spec" }),
    readiness: () => Promise.reject(new Error("not serving")),
    accepting: () => false,
    api: { courses: { courses: undefined as never, clock, ids }, idempotency: undefined as never, bodyLimit: 0 },
    version: BUILD.version,
  });
  console.log(JSON.stringify(buildOpenApiDocument(routes, { version: BUILD.version }), null, 2));
}

/** For images without curl: asks this instance's /healthz. */
async function healthcheck(cfg: Config): Promise<number> {
  try {
    const res = await fetch(`http://127.0.0.1:${cfg.http.port}/healthz`, { signal: AbortSignal.timeout(2000) });
    return res.ok ? EXIT.ok : EXIT.failure;
  } catch {
    return EXIT.failure;
  }
}

function printConfig(markdown: boolean, env: Record<string, string | undefined>): void {
  if (markdown) {
    console.log(formatEnvMarkdown(describeEnv(ConfigSchema, ENV_PREFIX)));
    return;
  }
  let loaded: ReturnType<typeof loadConfig> | undefined;
  try {
    loaded = loadConfig(env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(e.message);
  }
  console.log(formatEnvTable(describeEnv(ConfigSchema, ENV_PREFIX, loaded)));
}

async function run({ command, configFiles }: Invocation): Promise<number | undefined> {
  // --config replaces COURSES_CONFIG_FILES (files must exist); COURSES_* variables still win.
  const env = configFiles.length
    ? { ...process.env, [`${ENV_PREFIX}CONFIG_FILES`]: configFiles.join(",") }
    : process.env;
  // Every rule is checked before anything connects: one line per problem, exit 1.
  const config = (modules: readonly string[] = []) => {
    const loaded = loadConfig(env);
    const issues = configProblems(loaded.config, loaded.sources, modules);
    if (issues.length) throw new ConfigError(issues);
    return loaded.config;
  };
  switch (command.name) {
    case "help":
      console.log(helpText(BUILD));
      return EXIT.ok;
    case "version":
      console.log(
        `courses ${BUILD.version} (revision ${BUILD.revision}${BUILD.builtAt ? `, built ${BUILD.builtAt}` : ""}, bun ${Bun.version})`,
      );
      return EXIT.ok;
    case "serve": {
      const names = command.modules ?? parseModules(loadConfig(env).config.service.modules);
      const cfg = config(names);
      // The process keeps running; xshutdown exits with its code after a signal.
      await serve(cfg, names);
      return undefined;
    }
    case "scrape": {
      const cfg = config(["scraper"]);
      if (command.once) return scrapeOnce(cfg);
      await serve(cfg, ["scraper"]);
      return undefined;
    }
    case "migrate":
      await migrateOnly(config());
      return EXIT.ok;
    case "config":
      printConfig(command.markdown, env);
      return EXIT.ok;
    case "openapi":
      await printOpenApi();
      return EXIT.ok;
    case "healthcheck":
      return healthcheck(config());
    case "token": {
      const cfg = config();
      if (!cfg.auth.hs256Secret) {
        console.error(
          "courses token: set COURSES_AUTH_HS256_SECRET (tokens for a JWKS setup come from your identity provider)",
        );
        return EXIT.failure;
      }
      console.log(
        await mintToken(cfg.auth.hs256Secret, {
          subject: command.subject,
          scopes: command.scopes,
          ttlSeconds: command.ttlSeconds,
          issuer: cfg.auth.issuer || undefined,
          audience: cfg.auth.audience || undefined,
          scopeClaim: cfg.auth.scopeClaim,
        }),
      );
      return EXIT.ok;
    }
    case "outbox-retry-parked":
      return retryParked(config());
  }
}

try {
  const code = await run(parseCommandLine(process.argv.slice(2)));
  if (code !== undefined) process.exit(code);
} catch (e) {
  if (e instanceof UsageError) {
    console.error(`courses: ${e.message}\nRun 'courses --help' for commands, flags and exit codes.`);
    process.exit(EXIT.usage);
  }
  // Config errors are for humans: print them plainly, without a stack.
  if (e instanceof ConfigError) console.error(e.message);
  else console.error(`fatal: ${describeError(e)}`);
  process.exit(EXIT.failure);
}
