// Composition root: reads config, builds adapters and use cases, registers everything with
// xshutdown and starts the modes asked for. Nothing else constructs dependencies.
//
//   courses [serve]   run the service (default)
//   courses config    list every COURSES_* variable with its type, default and current source
import pkg from "../package.json" with { type: "json" };
import { ConfigError, describeEnv, formatEnvTable, redact } from "../lib/xconfig/index.ts";
import { describe as describeError } from "../lib/xerrors/index.ts";
import { configureShutdown } from "../lib/xshutdown/index.ts";
import { createLogger, setRootLogger } from "../lib/xlog/index.ts";
import { createHttpApp } from "./adapters/http/app.ts";
import { createRequestHandler, startHttpServer } from "./adapters/http/server.ts";
import { createKafka, kafkaCheck } from "./adapters/kafka/client.ts";
import { createMongoClient, mongoCheck } from "./adapters/mongo/client.ts";
import { createMetrics } from "./adapters/telemetry/metrics.ts";
import { initTracing } from "./adapters/telemetry/tracing.ts";
import { checkReadiness } from "./app/readiness.ts";
import { ConfigSchema, ENV_PREFIX, loadConfig } from "./config.ts";

async function serve(): Promise<void> {
  const loaded = loadConfig();
  const cfg = loaded.config;
  const logger = createLogger({
    level: cfg.log.level,
    format: cfg.log.format,
    base: { service: cfg.service.name, version: pkg.version, env: cfg.service.environment },
    redact: ["config.mongo.url"],
  });
  setRootLogger(logger);
  logger.info({ config: redact(ConfigSchema, cfg) }, "starting");

  const shutdown = configureShutdown({ deadlineMs: cfg.shutdown.deadline, defaultTimeoutMs: cfg.shutdown.callbackTimeout, logger }).listen();

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

  const mongo = createMongoClient(cfg.mongo, cfg.service.name);
  shutdown.register("mongo", () => mongo.close(), { phase: "clients" });
  await mongo.connect().catch((e) => logger.warn({ error: describeError(e) }, "mongo not reachable at start; will retry on use"));

  const kafka = createKafka(cfg.kafka);
  const kafkaAdmin = kafka.admin();
  shutdown.register("kafka-admin", () => kafkaAdmin.disconnect(), { phase: "clients" });

  const checks = [mongoCheck(mongo, cfg.mongo.database), kafkaCheck(kafkaAdmin)];
  const app = createHttpApp({
    metrics,
    readiness: () => checkReadiness(checks, cfg.readiness.checkTimeout),
    accepting: () => !shutdown.isShuttingDown,
  });
  const server = startHttpServer(
    { host: cfg.http.host, port: cfg.http.port, idleTimeoutMs: cfg.http.idleTimeout, bodyLimit: cfg.http.bodyLimit },
    createRequestHandler(app, { tracer: tracing.tracer, metrics, bodyLimit: cfg.http.bodyLimit }),
  );
  // Stop accepting, let in-flight requests finish (Bun waits for them with stop(false)).
  shutdown.register("http-server", () => server.stop(false), { phase: "intake" });
  logger.info({ url: `http://${cfg.http.host}:${server.port}` }, "listening");
}

function printConfig(): void {
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
  if (command === "serve") await serve();
  else if (command === "config") printConfig();
  else {
    console.error(`unknown command '${command}'. Commands: serve (default), config`);
    process.exit(2);
  }
} catch (e) {
  // Config errors are for humans: print them plainly, without a stack.
  if (e instanceof ConfigError) console.error(e.message);
  else console.error(describeError(e));
  process.exit(1);
}
