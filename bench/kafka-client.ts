// The Kafka client change of issue 21, side by side in one run: the last kafkajs revision
// (9f10d80, built in a git worktree) against this checkout, alternating, 3 rounds each (--rounds=N):
// - the outbox burst: 2,000 creates at 64 in parallel, events/s from the first POST to the last
//   event on the topic (the service, compiled, shipped configuration);
// - the relay's drain after a Kafka outage (bench/lib/outage-drain.ts: 200 courses × 4 changes);
// - a raw producer, one awaited send per event, 64 in flight, acks all, idempotent (kafkajs from
//   the worktree's node_modules, @platformatic/kafka from ours).
// Written to bench/results/kafka-client-<stamp>.json and docs/PERFORMANCE.md:
//   bun ops/stack/cli.ts up && bun ops/stack/cli.ts exec -- bun bench/kafka-client.ts   (~10 min)
// `--report=<results file>` writes the section again from a run's results.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mintToken } from "../src/adapters/http/auth.ts";
import { build } from "../scripts/build.ts";
import { createTopic, deleteTopics, readTopic, testKafka, testProducer } from "../test/support/kafka.ts";
import { isolated, type RunningService, startService } from "../test/support/service.ts";
import { stack } from "../test/support/stack.ts";
import { writePerformanceSection } from "./lib/doc.ts";
import { inParallel, median } from "./lib/measure.ts";
import { describeDrain, outageDrain } from "./lib/outage-drain.ts";

const KAFKAJS_REVISION = "9f10d80";
const ROOT = join(import.meta.dir, "..");
const OLD = join(tmpdir(), `courses-kafkajs-${KAFKAJS_REVISION}`);
const ROUNDS = Number(Bun.argv.find((a) => a.startsWith("--rounds="))?.slice(9) ?? 3);
const BURST = 2000;
const RAW = 4000;
const say = (m: string) => console.error(`[bench] ${m}`);
const run = (cmd: string[], cwd: string) => {
  const r = Bun.spawnSync(cmd, { cwd, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${cmd.join(" ")} failed:\n${r.stderr}`);
  return r.stdout.toString();
};

type Results = Record<string, Record<Client, number[]>>;
/**
 * The section of docs/PERFORMANCE.md. Beside the ratio of the medians, the median of each round's
 * own ratio: the two clients of one round ran back to back, so a drift across rounds (the store
 * warming up) cancels out of it.
 */
function report(file: string, rounds: number, results: Results): void {
  const cell = (xs: number[]) => `**${median(xs).toFixed(0)}** (${xs.map((x) => x.toFixed(0)).join(", ")})`;
  const rows = Object.entries(results).map(([name, r]) => {
    const paired = median(r.platformatic.map((x, i) => x / r.kafkajs[i]!));
    return `| ${name} | ${cell(r.kafkajs)} | ${cell(r.platformatic)} | ${(median(r.platformatic) / median(r.kafkajs)).toFixed(2)}× | ${paired.toFixed(2)}× |`;
  });
  writePerformanceSection(
    "<!-- bench/kafka-client.ts -->",
    `## The Kafka client change, side by side

\`bun bench/kafka-client.ts --rounds=${rounds}\` (results: bench/results/${file}): kafkajs (revision ${KAFKAJS_REVISION}, its own build) and @platformatic/kafka (this checkout), alternating, ${rounds} rounds each, the stack's store and broker. Events/s, median (rounds, in the order they ran); new / old is the ratio of the medians, and the median of the rounds' own ratios:

| scenario | kafkajs | @platformatic/kafka | new / old | per round |
|---|---|---|---|---|
${rows.join("\n")}
`,
  );
}

// `--report=<results file>`: the section again from a run's results, without measuring.
const again = Bun.argv.find((a) => a.startsWith("--report="))?.slice(9);
if (again) {
  const { rounds, results } = JSON.parse(readFileSync(join(import.meta.dir, "results", again), "utf8"));
  report(again, rounds, results);
  process.exit(0);
}

// The kafkajs build: a worktree of its revision, its own install, its own compiled binary.
if (!existsSync(join(OLD, "dist/courses"))) {
  run(["git", "worktree", "add", "--force", OLD, KAFKAJS_REVISION], ROOT);
  run(["bun", "install", "--frozen-lockfile"], OLD);
  run(["bun", "run", "build"], OLD);
}
const bins = {
  kafkajs: join(OLD, "dist/courses"),
  platformatic: await build({ outfile: join(ROOT, ".stack/bench-kafka/courses") }),
};
type Client = keyof typeof bins;
const order = (round: number): Client[] => (round % 2 ? ["platformatic", "kafkajs"] : ["kafkajs", "platformatic"]);

const s = await stack();
const kafka = testKafka(s.kafkaBrokers);
const SECRET = "bench-only-secret-0123456789abcdef0123";
const auth = {
  authorization: `Bearer ${await mintToken(SECRET, { subject: "bench", scopes: ["courses:write"], ttlSeconds: 3600 })}`,
};
const start = (client: Client, env: Record<string, string>, brokers = s.kafkaBrokers): Promise<RunningService> =>
  startService(
    {
      COURSES_CONFIG_FILES: join(ROOT, "config/production.yaml"),
      COURSES_HTTP_HOST: "127.0.0.1",
      COURSES_HTTP_PORT: "0",
      COURSES_MONGO_URL: s.mongoUrl,
      COURSES_KAFKA_BROKERS: brokers.join(","),
      COURSES_AUTH_HS256_SECRET: SECRET,
      COURSES_TELEMETRY_TRACING_ENABLED: "false",
      ...env,
    },
    { command: [bins[client]], retainLines: 100 },
  );

async function burst(client: Client): Promise<number> {
  const n = isolated("kc-burst");
  const svc = await start(client, n.env);
  try {
    const reader = readTopic(kafka, n.eventsTopic, (m) => m.length >= BURST, 300_000);
    const t0 = Date.now();
    await inParallel(64, BURST, async (k) => {
      const r = await fetch(`${svc.url}/v1/courses`, {
        method: "POST",
        headers: { "content-type": "application/json", ...auth },
        body: JSON.stringify({
          title: `Burst course ${k}`,
          summary: "s",
          description: "Lorem ipsum dolor sit amet.",
          language: "en",
          level: "beginner",
          tags: ["load"],
          instructor: { id: "i", name: "I" },
        }),
      });
      if (r.status !== 201) throw new Error(`burst create: ${r.status} ${await r.text()}`);
      await r.arrayBuffer();
    });
    const msgs = await reader;
    return BURST / ((Math.max(...msgs.map((m) => m.timestamp)) - t0) / 1000);
  } finally {
    await svc.stop().catch(() => {});
  }
}

async function drain(client: Client): Promise<number> {
  const n = isolated("kc-drain");
  const d = await outageDrain({
    stack: s,
    topic: n.eventsTopic,
    courses: 200,
    headers: auth,
    start: (brokers) => start(client, n.env, brokers),
  });
  if (d.outOfOrder > 0 || d.distinct !== d.expected) throw new Error(`outage drain (${client}): ${describeDrain(d)}`);
  return d.eventsPerSecond;
}

const KAFKAJS_PRODUCER = `
import { Kafka, logLevel } from "kafkajs";
const [brokers, topic, n] = [process.argv[2].split(","), process.argv[3], Number(process.argv[4])];
process.env.KAFKAJS_NO_PARTITIONER_WARNING = "1";
const p = new Kafka({ clientId: "raw", brokers, logLevel: logLevel.NOTHING }).producer({ idempotent: true, maxInFlightRequests: 1 });
await p.connect();
const payload = "x".repeat(900);
let next = 0;
const t = performance.now();
await Promise.all(Array.from({ length: 64 }, async () => { while (next < n) { const k = next++; await p.send({ topic, acks: -1, messages: [{ key: "k" + k, value: payload }] }); } }));
console.log(n / ((performance.now() - t) / 1000));
await p.disconnect();
`;

async function raw(client: Client): Promise<number> {
  const topic = `bench.raw.${client}.${crypto.randomUUID()}`;
  await createTopic(kafka, topic, 3);
  try {
    if (client === "kafkajs") {
      const script = join(OLD, ".bench-raw-producer.mjs");
      writeFileSync(script, KAFKAJS_PRODUCER);
      return Number(run(["bun", script, s.kafkaBrokers.join(","), topic, String(RAW)], OLD).trim());
    }
    const producer = testProducer(kafka);
    const payload = "x".repeat(900);
    let next = 0;
    const t = performance.now();
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < RAW) {
          const k = next++;
          await producer.send({ messages: [{ topic, key: `k${k}`, value: payload }] });
        }
      }),
    );
    const rate = RAW / ((performance.now() - t) / 1000);
    await producer.close();
    return rate;
  } finally {
    await deleteTopics(kafka, [topic]);
  }
}

const SCENARIOS = {
  "outbox: create throughput with events (2,000 creates → events on Kafka)": burst,
  "outbox: relay drain after a Kafka outage (200 courses × 4 changes)": drain,
  "raw producer, one awaited send per event (64 in flight, acks all, idempotent)": raw,
} as const;
const results: Record<string, Record<Client, number[]>> = {};
for (const [name, measure] of Object.entries(SCENARIOS)) {
  const byClient: Record<Client, number[]> = { kafkajs: [], platformatic: [] };
  results[name] = byClient;
  for (let round = 0; round < ROUNDS; round++)
    for (const client of order(round)) {
      const rate = await measure(client);
      byClient[client].push(rate);
      say(`${name}, round ${round + 1}, ${client}: ${rate.toFixed(0)} events/s`);
    }
}

mkdirSync(join(import.meta.dir, "results"), { recursive: true });
const stamp = new Date().toISOString().replaceAll(":", "-").replace(".", "-");
const file = `kafka-client-${stamp}.json`;
writeFileSync(join(import.meta.dir, "results", file), `${JSON.stringify({ rounds: ROUNDS, results }, null, 2)}\n`);
report(file, ROUNDS, results);
say(`results in bench/results/${file}`);
