// The four servers of the local stack: how each is built, started and checked.
// Built artifacts are cached per version outside the checkout; data, logs and pid
// files live per checkout under .stack/.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CACHE_DIR, OPS_DIR, STACK_DIR, has, log, need, run } from "./util.ts";

export const OPENAPI_GENERATOR_VERSION = "7.25.0";
export const MONGO_JAVA_SERVER_VERSION = readPomProperty("mongo/pom.xml", "mongo-java-server.version");
export const JAEGER_VERSION = "v1.76.0";
export const KAFKA_VERSION = readPomProperty("kafka/pom.xml", "kafka.version");

export interface Service {
  name: string;
  /** Loopback ports the server listens on; all must be free before it starts. */
  ports: number[];
  /** Builds or fetches the server into the cache when it is not there yet. */
  ensureInstalled(): Promise<void>;
  /** Per-checkout initialisation done once before the first start (formatting, config). */
  prepare?(): Promise<void>;
  /** argv of the long-running server process. */
  command(): string[];
  /** True once the server answers like a healthy one. */
  healthy(): Promise<boolean>;
  /** Seconds `up` waits for health before giving up. */
  startTimeout: number;
  /** Variables clients need, printed by `stack env`. */
  env: Record<string, string>;
}

function readPomProperty(pomPath: string, name: string): string {
  const pom = readFileSync(join(OPS_DIR, pomPath), "utf8");
  const m = pom.match(new RegExp(`<${name.replaceAll(".", "\\.")}>([^<]+)</`));
  if (!m) throw new Error(`ops/${pomPath} has no <${name}>`);
  return m[1]!;
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** Builds into a temporary sibling and renames it into place, so a crash never leaves half an artifact. */
export async function installAtomically(finalDir: string, build: (tmpDir: string) => Promise<void>): Promise<void> {
  if (existsSync(finalDir)) return;
  const tmp = `${finalDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    await build(tmp);
    if (!existsSync(finalDir)) renameSync(tmp, finalDir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Keyed by the server's version and the launcher's source, so an edited launcher is rebuilt. */
const LAUNCHER_HASH = createHash("sha256")
  .update(readFileSync(join(OPS_DIR, "mongo/MongoStore.java")))
  .digest("hex")
  .slice(0, 8);
const mongoDir = join(CACHE_DIR, `mongo-java-server-${MONGO_JAVA_SERVER_VERSION}-${LAUNCHER_HASH}`);
/** argv prefix that runs the store's launcher (ops/mongo/MongoStore.java) from the cache. */
export function mongoStoreCommand(heap = "1g"): string[] {
  return [
    "java",
    `-Xmx${heap}`,
    "-XX:+UseG1GC",
    "-Djava.awt.headless=true",
    "-cp",
    `${join(mongoDir, "classes")}:${join(mongoDir, "libs")}/*`,
    "courses.ops.MongoStore",
  ];
}
/** Fetches mongo-java-server's jars from Maven Central and compiles the launcher against them. */
export async function ensureMongoStoreInstalled(): Promise<void> {
  need("java", "mongo-java-server runs on Java 17");
  await installAtomically(mongoDir, async (tmp) => {
    need("mvn", "mongo-java-server's jars come from Maven Central");
    need("javac", "the store's launcher is compiled with the JDK");
    log("mongo", `fetching mongo-java-server ${MONGO_JAVA_SERVER_VERSION} from Maven Central (first time only)…`);
    await run("mvn", [
      "-q",
      "-B",
      "-f",
      join(OPS_DIR, "mongo/pom.xml"),
      "dependency:copy-dependencies",
      "-DincludeScope=runtime",
      `-DoutputDirectory=${join(tmp, "libs")}`,
    ]);
    await run("javac", [
      "-d",
      join(tmp, "classes"),
      "-cp",
      `${join(tmp, "libs")}/*`,
      join(OPS_DIR, "mongo/MongoStore.java"),
    ]);
  });
}
const openApiGeneratorJar = join(
  CACHE_DIR,
  `openapi-generator-${OPENAPI_GENERATOR_VERSION}`,
  `openapi-generator-cli-${OPENAPI_GENERATOR_VERSION}.jar`,
);
/**
 * openapi-generator's CLI jar from Maven Central, cached by version like the stack's servers: the
 * contract test generates a typescript-fetch client with it (a generator nobody here wrote).
 */
export async function ensureOpenApiGenerator(): Promise<string> {
  need("java", "openapi-generator runs on Java");
  await installAtomically(join(openApiGeneratorJar, ".."), async (tmp) => {
    need("mvn", "openapi-generator comes from Maven Central");
    await run("mvn", [
      "-q",
      "-B",
      "dependency:copy",
      `-Dartifact=org.openapitools:openapi-generator-cli:${OPENAPI_GENERATOR_VERSION}`,
      `-DoutputDirectory=${tmp}`,
    ]);
  });
  return openApiGeneratorJar;
}
export const mongo: Service = {
  name: "mongo",
  ports: [27017],
  startTimeout: 60,
  env: { MONGO_URL: "mongodb://127.0.0.1:27017/" },
  ensureInstalled: ensureMongoStoreInstalled,
  command() {
    const data = join(STACK_DIR, "mongo");
    mkdirSync(data, { recursive: true });
    // H2's MVStore file keeps `bun run dev`'s data across restarts; `rm -rf .stack/mongo` empties it.
    return [
      ...mongoStoreCommand(),
      "--host",
      "127.0.0.1",
      "--port",
      "27017",
      "--backend",
      "h2",
      "--file",
      join(data, "courses.mv"),
    ];
  },
  healthy: () => mongoPing("mongodb://127.0.0.1:27017/"),
};

/** True when a MongoDB wire-protocol server answers `ping` at url. */
export async function mongoPing(url: string): Promise<boolean> {
  const { MongoClient } = await import("mongodb");
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
  try {
    await client.db("admin").command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => {});
  }
}

const jaegerDir = join(CACHE_DIR, `jaeger-${JAEGER_VERSION}`);
export const jaeger: Service = {
  name: "jaeger",
  ports: [4317, 4318, 16685, 16686, 13133],
  startTimeout: 60,
  env: {
    OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318",
    JAEGER_QUERY_URL: "http://127.0.0.1:16686",
  },
  async ensureInstalled() {
    await installAtomically(jaegerDir, async (tmp) => {
      need("go", "Jaeger is built from the Go module proxy");
      log("jaeger", `building Jaeger ${JAEGER_VERSION} (first time only, several minutes)…`);
      // `go install …/cmd/jaeger@v1.76.0` is refused (its go.mod has a replace for sarama);
      // ops/jaeger is a module that repeats that replace and builds the command from it.
      await run("go", ["build", "-trimpath", "-o", join(tmp, "jaeger"), "github.com/jaegertracing/jaeger/cmd/jaeger"], {
        cwd: join(OPS_DIR, "jaeger"),
        env: { GOFLAGS: "-mod=mod" },
      });
    });
  },
  command: () => [join(jaegerDir, "jaeger"), "--config", join(OPS_DIR, "jaeger/config.yaml")],
  healthy: async () =>
    (await httpOk("http://127.0.0.1:13133/status")) && (await httpOk("http://127.0.0.1:16686/api/services")),
};

const kafkaDir = join(CACHE_DIR, `kafka-${KAFKA_VERSION}`);
/**
 * `quick`: only the JVM's first-tier compiler, for a JVM that lives seconds or minutes under a
 * light load (the storage formatter, a test's own broker). Measured on 2 cores: a broker is
 * healthy after 3.2 CPU s instead of 6.5, and idles at the same cost.
 */
const kafkaJava = (heap = "1g", quick = false) => [
  "java",
  ...(quick ? ["-XX:TieredStopAtLevel=1"] : []),
  "-Xms256m",
  `-Xmx${heap}`,
  "-XX:+UseG1GC",
  "-Djava.awt.headless=true",
  `-Dlog4j2.configurationFile=${join(OPS_DIR, "kafka/log4j2.properties")}`,
  "-cp",
  `${join(kafkaDir, "libs")}/*`,
];
const kafkaConfig = () => join(STACK_DIR, "kafka/server.properties");
export const kafka: Service = {
  name: "kafka",
  ports: [9092, 9093],
  startTimeout: 120,
  env: { KAFKA_BROKERS: "127.0.0.1:9092" },
  async ensureInstalled() {
    need("java", "Kafka runs on Java 17");
    await installAtomically(kafkaDir, async (tmp) => {
      need("mvn", "Kafka's jars come from Maven Central");
      log("kafka", `fetching Kafka ${KAFKA_VERSION} jars from Maven Central (first time only)…`);
      await run("mvn", [
        "-q",
        "-B",
        "-f",
        join(OPS_DIR, "kafka/pom.xml"),
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        `-DoutputDirectory=${join(tmp, "libs")}`,
      ]);
    });
  },
  async prepare() {
    await prepareKafka(kafkaConfig(), join(STACK_DIR, "kafka/data"), 9092, 9093);
  },
  command: () => kafkaCommand(kafkaConfig()),
  healthy: () => kafkaHealthy("127.0.0.1:9092"),
};

/**
 * argv of a broker started with the config at `configPath` (written by prepareKafka); `quick` for a
 * short-lived one (see kafkaJava). The stack's own broker, which benchmarks measure, is not.
 */
export function kafkaCommand(configPath: string, heap = "1g", quick = false): string[] {
  return [...kafkaJava(heap, quick), "kafka.Kafka", configPath];
}

/**
 * Writes a single-node KRaft config (ops/kafka/server.properties with these ports and data dir) to
 * `configPath` and formats the storage once. Tests that stop a broker start one of their own with it.
 */
export async function prepareKafka(
  configPath: string,
  data: string,
  port: number,
  controllerPort: number,
): Promise<void> {
  const template = readFileSync(join(OPS_DIR, "kafka/server.properties"), "utf8");
  mkdirSync(data, { recursive: true });
  writeFileSync(
    configPath,
    template
      .replaceAll("@DATA_DIR@", data)
      .replaceAll("127.0.0.1:9092", `127.0.0.1:${port}`)
      .replaceAll("127.0.0.1:9093", `127.0.0.1:${controllerPort}`),
  );
  if (existsSync(join(data, "meta.properties"))) return;
  // KRaft storage must be formatted once with a cluster id before the first start.
  // Like Kafka's own Uuid.randomUuid: never starting with "-", which StorageTool's argument
  // parser takes for a flag ("argument --cluster-id/-t: expected one argument", 1 start in 64).
  let clusterId = randomBytes(16).toString("base64url");
  while (clusterId.startsWith("-")) clusterId = randomBytes(16).toString("base64url");
  log("kafka", `formatting storage (cluster ${clusterId})`);
  const [java, ...args] = kafkaJava("256m", true);
  await run(java!, [...args, "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", configPath]);
}

/** True when the broker at `broker` (host:port) answers with a cluster that has a controller. */
export async function kafkaHealthy(broker: string): Promise<boolean> {
  const { Admin } = await import("@platformatic/kafka");
  const admin = new Admin({
    clientId: "stack-health",
    bootstrapBrokers: [broker],
    connectTimeout: 1000,
    timeout: 2000,
    retries: 0,
  });
  try {
    const cluster = await admin.metadata({ topics: [], forceUpdate: true });
    return cluster.brokers.size > 0 && cluster.controllerId >= 0;
  } catch {
    return false;
  } finally {
    await admin.close().catch(() => {});
  }
}

export const PROMETHEUS_TARGETS_DIR = join(STACK_DIR, "prometheus/targets");
export const prometheus: Service = {
  name: "prometheus",
  ports: [9090],
  startTimeout: 60,
  env: { PROMETHEUS_URL: "http://127.0.0.1:9090", PROMETHEUS_TARGETS_DIR },
  async ensureInstalled() {
    if (has("prometheus")) return;
    if (process.getuid?.() === 0 && has("apt-get")) {
      log("prometheus", "installing Debian's prometheus package (first time only)…");
      await run("apt-get", ["update", "-qq"]);
      await run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "prometheus"], {
        env: { DEBIAN_FRONTEND: "noninteractive" },
      });
      return;
    }
    need("prometheus", "install Debian's package: apt-get install prometheus");
  },
  async prepare() {
    const dir = join(STACK_DIR, "prometheus");
    mkdirSync(PROMETHEUS_TARGETS_DIR, { recursive: true });
    const template = readFileSync(join(OPS_DIR, "prometheus/prometheus.yml"), "utf8");
    writeFileSync(
      join(dir, "prometheus.yml"),
      template
        .replaceAll("@TARGETS_DIR@", PROMETHEUS_TARGETS_DIR)
        .replaceAll("@RULES_DIR@", join(OPS_DIR, "prometheus/rules")),
    );
    const devTargets = join(PROMETHEUS_TARGETS_DIR, "dev.json");
    if (!existsSync(devTargets)) {
      writeFileSync(devTargets, JSON.stringify([{ targets: ["127.0.0.1:8080"], labels: { env: "dev" } }], null, 2));
    }
  },
  command: () => [
    "prometheus",
    `--config.file=${join(STACK_DIR, "prometheus/prometheus.yml")}`,
    `--storage.tsdb.path=${join(STACK_DIR, "prometheus/data")}`,
    "--storage.tsdb.retention.time=2d",
    "--web.listen-address=127.0.0.1:9090",
    "--web.enable-lifecycle",
    // Exemplars (trace_id on histogram buckets) from the OpenMetrics scrape.
    "--enable-feature=exemplar-storage",
  ],
  healthy: () => httpOk("http://127.0.0.1:9090/-/ready"),
};

export const SERVICES: Service[] = [mongo, kafka, jaeger, prometheus];
