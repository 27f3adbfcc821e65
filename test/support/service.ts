// Runs the real service — the compiled binary, as users run it — as a child process, on a free
// port, for end-to-end tests.
import { join } from "node:path";
import { mintToken } from "../../src/adapters/http/auth.ts";
import { courseBinary } from "./binary.ts";
import { type StackEndpoints, uniqueName } from "./stack.ts";

const ROOT = join(import.meta.dir, "../..");

export interface RunningService {
  url: string;
  port: number;
  pid: number;
  /** Every line the service printed so far (JSON log entries). */
  lines: string[];
  entries(): Record<string, unknown>[];
  /** Signals the service and waits for it; fails unless it exits 0 (a clean graceful shutdown). */
  stop(signal?: NodeJS.Signals): Promise<number>;
  exited: Promise<number>;
}

/** Environment pointing the service at the real stack; `overrides` wins. */
export function serviceEnv(s: StackEndpoints, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    COURSES_HTTP_HOST: "127.0.0.1",
    COURSES_HTTP_PORT: "0",
    COURSES_MONGO_URL: s.mongoUrl,
    COURSES_KAFKA_BROKERS: s.kafkaBrokers.join(","),
    COURSES_TELEMETRY_TRACING_ENABLED: s.otlpEndpoint ? "true" : "false",
    ...(s.otlpEndpoint ? { COURSES_TELEMETRY_OTLP_ENDPOINT: s.otlpEndpoint } : {}),
    COURSES_LOG_LEVEL: "debug",
    // Tests of other features run as behind a gateway that checks tokens; the API's own tests
    // (courses-api, auth) turn authentication on with withAuth().
    COURSES_AUTH_ENABLED: "false",
    // Tests produce right after start, maybe before the group first joins: read from the start
    // (each test's topics are its own). Production starts new groups at the end (config.ts).
    COURSES_ENROLLMENTS_START_FROM: "earliest",
    // Its own consumer group: instances of other tests never make it wait for a rebalance.
    COURSES_ENROLLMENTS_GROUP_ID: `it-${crypto.randomUUID()}`,
    ...overrides,
  };
}

export interface StartOptions {
  /** Command line after the binary; default: serve with every module. */
  args?: string[];
  /** Runs this instead of the binary (e.g. the binary inside a chroot); args still follow. */
  command?: string[];
  /** Only these variables, not the test process's environment too. */
  isolatedEnv?: boolean;
  timeoutMs?: number;
  /** Keep only about this many of the last output lines (a benchmark's service writes millions). */
  retainLines?: number;
}

export async function startService(
  env: Record<string, string>,
  {
    args = [],
    command,
    isolatedEnv = false,
    timeoutMs = 20_000,
    retainLines = Number.POSITIVE_INFINITY,
  }: StartOptions = {},
): Promise<RunningService> {
  const proc = Bun.spawn([...(command ?? [await courseBinary()]), ...args], {
    cwd: ROOT,
    env: isolatedEnv ? env : { ...process.env, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const lines: string[] = [];
  let resolveUrl!: (u: string) => void;
  const urlKnown = new Promise<string>((r) => (resolveUrl = r));
  let resolveMigrated!: () => void;
  const migrated = new Promise<void>((r) => (resolveMigrated = r));
  let started = false;
  // Linear in what the service writes (one split per chunk: the service writes a turn's lines in
  // one chunk, hundreds of them under load), and bounded when asked: the harness keeps the last
  // lines only, so reading the service's log takes little of the cores it is measured on.
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    let buf = "";
    for await (const chunk of stream) {
      buf += decoder.decode(chunk, { stream: true });
      const complete = buf.split("\n");
      buf = complete.pop()!;
      for (const line of complete) {
        lines.push(line);
        if (started) continue;
        if (line.includes('"msg":"listening"')) resolveUrl(JSON.parse(line).url);
        else if (
          line.includes('"msg":"migrations checked"') ||
          line.includes('"msg":"apply migrations failed; retrying"')
        ) {
          resolveMigrated();
          started = true;
        }
      }
      if (lines.length > 2 * retainLines) lines.splice(0, lines.length - retainLines);
    }
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  const exited = proc.exited;
  const url = await Promise.race([
    urlKnown,
    exited.then((code) =>
      Promise.reject(new Error(`service exited with ${code} before listening:\n${lines.join("\n")}`)),
    ),
    Bun.sleep(timeoutMs).then(() =>
      Promise.reject(new Error(`service did not listen within ${timeoutMs}ms:\n${lines.join("\n")}`)),
    ),
  ]).catch((e) => {
    // Never leave a half-started service running behind a failed test or benchmark.
    proc.kill("SIGKILL");
    throw e;
  });
  // The service listens before it migrates: wait, as an orchestrator waits for /readyz, until the
  // first migration attempt is over ("migrations checked", or its failure with the store
  // unreachable); bounded by timeoutMs, then the test goes on and sees what it sees.
  {
    let timer: Timer | undefined;
    await Promise.race([
      migrated,
      exited.then((code) => {
        proc.kill("SIGKILL");
        return Promise.reject(new Error(`service exited with ${code} during start-up:\n${lines.join("\n")}`));
      }),
      new Promise((r) => {
        timer = setTimeout(r, timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  }
  const port = Number(new URL(url).port);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: proc.pid,
    lines,
    entries: () => lines.flatMap((l) => (l.startsWith('{"') ? [JSON.parse(l)] : [])),
    stop: async (signal = "SIGTERM") => {
      proc.kill(signal);
      const code = await exited;
      if (code !== 0) throw new Error(`service exited with ${code} after ${signal}:\n${lines.slice(-15).join("\n")}`);
      return code;
    },
    exited,
  };
}

/** A secret for tests that run with authentication on. */
export const TEST_AUTH_SECRET = "test-only-hs256-secret-0123456789abcdef";

/** Environment that turns authentication on with TEST_AUTH_SECRET. */
export function withAuth(env: Record<string, string>, extra: Record<string, string> = {}): Record<string, string> {
  return { ...env, COURSES_AUTH_ENABLED: "true", COURSES_AUTH_HS256_SECRET: TEST_AUTH_SECRET, ...extra };
}

/** A bearer token signed with TEST_AUTH_SECRET. */
export async function testToken(
  scopes: string[] = ["courses:write", "courses:admin"],
  subject = "tester",
  ttlSeconds = 600,
): Promise<string> {
  return mintToken(TEST_AUTH_SECRET, { subject, scopes, ttlSeconds });
}

/** Names a test's service owns alone: its database, its topics and its consumer group. */
export function isolated(prefix: string) {
  const id = uniqueName(prefix).replaceAll("-", "_");
  const database = `db_${id}`;
  const eventsTopic = `it.courses.${id}`;
  const enrollTopic = `it.enrollments.${id}`;
  const dlqTopic = `${enrollTopic}.dlq`;
  return {
    id,
    database,
    eventsTopic,
    enrollTopic,
    dlqTopic,
    env: {
      COURSES_MONGO_DATABASE: database,
      COURSES_EVENTS_TOPIC: eventsTopic,
      COURSES_ENROLLMENTS_TOPIC: enrollTopic,
      COURSES_ENROLLMENTS_DLQ_TOPIC: dlqTopic,
      COURSES_ENROLLMENTS_GROUP_ID: `it-group-${id}`,
    },
  };
}
