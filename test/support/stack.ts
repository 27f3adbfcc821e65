// Where the real servers are. Integration tests never run against mocks:
//  1. endpoints from the environment (`bun run test` sets them from `bun run stack env`);
//  2. otherwise, with a reachable Docker engine, testcontainers (MongoDB replica set, Kafka);
//  3. otherwise the test FAILS and says how to start the stack.
import { existsSync, readFileSync } from "node:fs";

export interface StackEndpoints {
  mongoUrl: string;
  kafkaBrokers: string[];
  otlpEndpoint?: string;
  jaegerQueryUrl?: string;
  prometheusUrl?: string;
  prometheusTargetsDir?: string;
  /** Where they came from, printed once so a run's log shows it. */
  origin: "environment" | "testcontainers";
}

const HOW_TO =
  'Start the real stack with `bun run stack up` and run the tests with `bun run test` (it exports the endpoints), or export them yourself: eval "$(bun run stack env)".';

let cached: Promise<StackEndpoints> | undefined;

/**
 * The stack's endpoints. `{ jaeger: true }` also waits until Jaeger is up: on a machine's first
 * run the suite's runner (test/run.ts) builds Jaeger while the files that do not need it run, and
 * names in STACK_JAEGER_PENDING the file it writes when Jaeger's start ends ("ok" or the error).
 */
export async function stack(needs: { jaeger?: boolean } = {}): Promise<StackEndpoints> {
  cached ??= resolveStack();
  const s = await cached;
  if (!needs.jaeger) {
    // No tracing where Jaeger was not asked for: the same on a first run (Jaeger still building,
    // where a service's last span export at shutdown would fail) as on every later one.
    return { ...s, otlpEndpoint: undefined, jaegerQueryUrl: undefined };
  }
  await jaegerStarted();
  return s;
}

/** For the hook that waits for Jaeger: a first run's build takes minutes. */
export const JAEGER_WAIT_MS = 20 * 60_000;

async function jaegerStarted(): Promise<void> {
  const pending = process.env.STACK_JAEGER_PENDING;
  if (!pending) return;
  // Bounded by the build's own failure (the runner writes the error); one that hangs ends at the
  // hook's timeout (JAEGER_WAIT_MS). Read with node:fs: a Bun.file made before the file existed
  // reads it as empty.
  while (!existsSync(pending)) await Bun.sleep(1000);
  const outcome = readFileSync(pending, "utf8").trim();
  if (outcome !== "ok") throw new Error(`Jaeger did not start: ${outcome}`);
}

/** The endpoint a test needs, or a failure that says how to get it. */
export function required<K extends keyof StackEndpoints>(s: StackEndpoints, key: K): NonNullable<StackEndpoints[K]> {
  const v = s[key];
  if (v === undefined || v === "") throw new Error(`${key} is not available (stack origin: ${s.origin}). ${HOW_TO}`);
  return v as NonNullable<StackEndpoints[K]>;
}

async function resolveStack(): Promise<StackEndpoints> {
  const env = process.env;
  if (env.MONGO_URL && env.KAFKA_BROKERS) {
    const s: StackEndpoints = {
      origin: "environment",
      mongoUrl: env.MONGO_URL,
      kafkaBrokers: env.KAFKA_BROKERS.split(","),
      otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
      jaegerQueryUrl: env.JAEGER_QUERY_URL,
      prometheusUrl: env.PROMETHEUS_URL,
      prometheusTargetsDir: env.PROMETHEUS_TARGETS_DIR,
    };
    console.error(`[stack] real servers from the environment: mongo ${s.mongoUrl}, kafka ${s.kafkaBrokers.join(",")}`);
    return s;
  }
  if (await dockerReachable()) return startContainers();
  throw new Error(
    `No MongoDB/Kafka endpoints in the environment (MONGO_URL, KAFKA_BROKERS) and no Docker engine answers at ${dockerSocket()}. ${HOW_TO}`,
  );
}

function dockerSocket(): string {
  return (process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock").replace(/^unix:\/\//, "");
}

/** A cheap probe: with no engine testcontainers fails only after its own strategy search. */
async function dockerReachable(): Promise<boolean> {
  const socket = dockerSocket();
  if (!existsSync(socket)) return false;
  try {
    const res = await fetch("http://localhost/_ping", {
      unix: socket,
      signal: AbortSignal.timeout(2000),
    } as RequestInit);
    return res.ok;
  } catch {
    return false;
  }
}

async function startContainers(): Promise<StackEndpoints> {
  console.error("[stack] no endpoints in the environment; starting MongoDB and Kafka with testcontainers");
  const { GenericContainer, Wait } = await import("testcontainers");
  const mongo = await new GenericContainer("mongo:8.0")
    .withCommand(["--replSet", "rs0", "--bind_ip_all"])
    .withExposedPorts(27017)
    .withWaitStrategy(Wait.forLogMessage(/Waiting for connections/))
    .start();
  await mongo.exec([
    "mongosh",
    "--quiet",
    "--eval",
    "rs.initiate({_id:'rs0',members:[{_id:0,host:'127.0.0.1:27017'}]})",
  ]);
  // Kafka advertises the host port it is reached on, so the port is fixed up front.
  const kafkaPort = 19092;
  const kafka = await new GenericContainer("apache/kafka:4.1.1")
    .withExposedPorts({ container: 9092, host: kafkaPort })
    .withEnvironment({
      KAFKA_NODE_ID: "1",
      KAFKA_PROCESS_ROLES: "broker,controller",
      KAFKA_LISTENERS: "PLAINTEXT://:9092,CONTROLLER://:9093",
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${kafkaPort}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
      KAFKA_CONTROLLER_QUORUM_VOTERS: "1@localhost:9093",
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1",
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "1",
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "1",
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: "0",
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  return {
    origin: "testcontainers",
    mongoUrl: `mongodb://${mongo.getHost()}:${mongo.getMappedPort(27017)}/?directConnection=true`,
    kafkaBrokers: [`${kafka.getHost()}:${kafkaPort}`],
  };
}

/** A name no other test run uses, for databases, topics and service names. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Polls fn until it returns a value other than undefined, or fails after timeoutMs with the last error. */
export async function eventually<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await Bun.sleep(everyMs);
  }
  throw new Error(
    `timed out after ${timeoutMs}ms waiting for ${what}${last ? `: ${last instanceof Error ? last.message : String(last)}` : ""}`,
  );
}

/** Drops the databases a test file created (best effort: a failed drop never fails a test). */
export async function dropDatabases(mongoUrl: string, names: string[]): Promise<void> {
  const { MongoClient } = await import("mongodb");
  const client = new MongoClient(mongoUrl);
  try {
    await Promise.all(
      names.map((d) =>
        client
          .db(d)
          .dropDatabase()
          .catch(() => {}),
      ),
    );
  } finally {
    await client.close();
  }
}
