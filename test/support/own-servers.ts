// Servers of a test's own, started from the same cached artifacts as the stack's:
//  - a clean store for tests and benchmarks that fill it with thousands of courses (the stack's
//    store keeps a file; 20,000 inserts there take a minute);
//  - a store or a broker that a test stops and starts (an outage, a restart) while other test
//    files run in parallel against the shared stack, which must never go down under them.
// Where the stack came from testcontainers there is no launcher here: ownStore answers with the
// shared server (a fresh database on it); ownKafka and restartable stores refuse.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kafkaCommand, kafkaHealthy, mongoPing, mongoStoreCommand, prepareKafka } from "../../ops/stack/services.ts";
import type { StackEndpoints } from "./stack.ts";

export interface OwnServer {
  /** Stops the process (SIGTERM, waits for its exit); its data stays for the next up(). */
  down(): Promise<void>;
  /** Starts it again on the same ports and waits until it answers. */
  up(): Promise<void>;
  /** Stops it and removes its data. */
  stop(): Promise<void>;
}
export interface OwnStore extends OwnServer {
  url: string;
}
export interface OwnKafka extends OwnServer {
  brokers: string[];
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * One server process that can be stopped and started again with the same argv; its output goes
 * to a log file in its own directory, quoted when it fails to start.
 */
async function ownProcess(
  name: string,
  dir: string,
  argv: string[],
  healthy: () => Promise<boolean>,
  startTimeoutMs: number,
): Promise<OwnServer> {
  const logPath = join(dir, `${name}.log`);
  let proc: ReturnType<typeof Bun.spawn> | undefined;
  const tail = () => {
    try {
      return readFileSync(logPath, "utf8").trimEnd().split("\n").slice(-20).join("\n");
    } catch {
      return "(no log)";
    }
  };
  const up = async () => {
    if (proc && proc.exitCode === null) return;
    const fd = openSync(logPath, "a");
    proc = Bun.spawn(argv, { stdout: fd, stderr: fd, stdin: "ignore" });
    closeSync(fd);
    const deadline = Date.now() + startTimeoutMs;
    while (!(await healthy())) {
      if (proc.exitCode !== null) throw new Error(`${name} exited with ${proc.exitCode} at start:\n${tail()}`);
      if (Date.now() > deadline)
        throw new Error(`${name} did not answer within ${startTimeoutMs / 1000} s:\n${tail()}`);
      await Bun.sleep(200);
    }
  };
  const down = async () => {
    const p = proc;
    proc = undefined;
    if (!p || p.exitCode !== null) return;
    p.kill("SIGTERM");
    // A broker's controlled shutdown takes a few seconds; one that hangs is killed.
    const timer = setTimeout(() => p.kill("SIGKILL"), 30_000);
    await p.exited;
    clearTimeout(timer);
  };
  await up();
  return {
    up,
    down,
    stop: async () => {
      await down();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A clean in-memory store of its own. */
export function memoryStore(s: StackEndpoints): Promise<OwnStore> {
  return ownStore(s, "memory");
}

/** A store of its own: in memory, or on a new H2 file like the stack's (kept across down/up). */
export async function ownStore(
  s: StackEndpoints,
  backend: "memory" | "h2",
  extraArgs: string[] = [],
): Promise<OwnStore> {
  if (s.origin !== "environment") {
    const refuse = async () => {
      throw new Error("a store of its own needs the native stack (`bun run test`); with testcontainers it is shared");
    };
    return { url: s.mongoUrl, stop: async () => {}, down: refuse, up: refuse };
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "courses-store-"));
  const [cmd, ...args] = mongoStoreCommand(backend === "memory" ? "768m" : "512m");
  const backendArgs = backend === "h2" ? ["--backend", "h2", "--file", join(dir, "store.mv")] : ["--backend", "memory"];
  const url = `mongodb://127.0.0.1:${port}/`;
  const server = await ownProcess(
    "store",
    dir,
    [cmd!, ...args, "--host", "127.0.0.1", "--port", String(port), ...backendArgs, ...extraArgs],
    () => mongoPing(url),
    30_000,
  );
  return { url, ...server };
}

/**
 * A single-node KRaft broker of its own, on its own ports and data directory (kept across down/up).
 * `quick` (the default): the JVM's first-tier compiler only, half the CPU to start; a benchmark
 * that measures through the broker passes false.
 */
export async function ownKafka(s: StackEndpoints, { quick = true } = {}): Promise<OwnKafka> {
  if (s.origin !== "environment")
    throw new Error("a broker of its own needs the native stack's Kafka jars; run the tests through `bun run test`");
  const [port, controllerPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), "courses-kafka-"));
  const config = join(dir, "server.properties");
  await prepareKafka(config, join(dir, "data"), port, controllerPort);
  const broker = `127.0.0.1:${port}`;
  const server = await ownProcess(
    "kafka",
    dir,
    kafkaCommand(config, "512m", quick),
    () => kafkaHealthy(broker),
    120_000,
  );
  return { brokers: [broker], ...server };
}
