// How the enrollment consumer commits: awaiting each message's commit before the next, or
// queueing it after the apply and letting commits that pile up while one is in flight go as one
// request ("batch"). Both commit after apply. Measured on the stack's Kafka and store with the
// real ledger, rounds alternating, written to docs/PERFORMANCE.md:
//   bun run stack up && bun ops/stack/cli.ts exec -- bun bench/consumer.ts [--events=N] [--rounds=N]
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { MongoClient } from "mongodb";
import { ShutdownCoordinator } from "../lib/xshutdown/index.ts";
import { EnrollmentConsumer } from "../src/adapters/kafka/enrollment-consumer.ts";
import { MongoCourseRepository } from "../src/adapters/mongo/course-repository.ts";
import { MongoEnrollmentLedger } from "../src/adapters/mongo/enrollment-ledger.ts";
import { migrate } from "../src/adapters/mongo/migrate.ts";
import { MIGRATIONS } from "../src/adapters/mongo/migrations.ts";
import { OutboxMarkers } from "../src/adapters/mongo/outbox-store.ts";
import * as uc from "../src/app/courses.ts";
import { applyEnrollmentEvent } from "../src/app/enrollments.ts";
import {
  consumedToEnd,
  createTopic,
  deleteTopics,
  enrollment,
  testKafka,
  testProducer,
} from "../test/support/kafka.ts";
import { stack, uniqueName } from "../test/support/stack.ts";
import { writePerformanceSection } from "./lib/doc.ts";
import { median } from "./lib/measure.ts";
import { benchCourse } from "./lib/outage-drain.ts";

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const EVENTS = arg("events", 3000);
const ROUNDS = arg("rounds", 3);
const s = await stack();
const kafka = testKafka(s.kafkaBrokers);
const client = new MongoClient(s.mongoUrl);
const say = (m: string) => console.error(`[bench] ${m}`);

/** One round: a fresh database with 30 courses, a fresh topic of EVENTS enrollments, one consumer. */
async function round(commit: "message" | "batch"): Promise<{ eventsPerSecond: number; cpuMsPer1k: number }> {
  const db = client.db(uniqueName("bench_consumer").replaceAll("-", "_"));
  const topic = uniqueName("bench.consumer");
  try {
    await migrate(db, MIGRATIONS);
    const deps = {
      courses: new MongoCourseRepository(db, new OutboxMarkers(db), { outboxMaxEvents: 1000 }),
      clock: { now: () => new Date() },
      ids: { next: () => Bun.randomUUIDv7() },
    };
    const courses: string[] = [];
    for (let i = 0; i < 30; i++) courses.push((await uc.createCourse(deps, benchCourse(i, topic))).id);
    await createTopic(kafka, topic, 3);
    await createTopic(kafka, `${topic}.dlq`, 1);
    const producer = testProducer(kafka);
    for (let i = 0; i < EVENTS; i += 500) {
      const batch = Array.from({ length: Math.min(500, EVENTS - i) }, (_, k) =>
        enrollment("enrollment.created", courses[(i + k) % courses.length]!),
      );
      await producer.send({ messages: batch.map((m) => ({ topic, key: m.key, value: m.value })) });
    }
    await producer.close();
    const ledger = new MongoEnrollmentLedger(db);
    const groupId = `bench-${crypto.randomUUID()}`;
    const consumer = new EnrollmentConsumer(
      { clientId: "bench", brokers: s.kafkaBrokers, connectionTimeout: 3000, requestTimeout: 10_000 },
      {
        topic,
        dlqTopic: `${topic}.dlq`,
        groupId,
        partitionsConsumedConcurrently: 1,
        retryBackoffInitialMs: 200,
        retryBackoffMaxMs: 2000,
        maxAttemptsOnBug: 3,
        fromBeginning: true,
        commit,
      },
      (e) => applyEnrollmentEvent(ledger, e),
    );
    const shutdown = new ShutdownCoordinator({
      deadlineMs: 20_000,
      defaultTimeoutMs: 10_000,
      logger: { info() {}, warn() {}, error() {} },
      exit: () => {},
    });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await consumer.run(shutdown.worker("consumer"));
    await consumedToEnd(kafka, groupId, topic, 600_000);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    await shutdown.shutdown("round over");
    const counted = await db
      .collection<{ enrollmentCount: number }>("courses")
      .find({}, { projection: { enrollmentCount: 1 } })
      .toArray();
    const total = counted.reduce((n, c) => n + (c.enrollmentCount ?? 0), 0);
    if (total !== EVENTS) throw new Error(`${commit}: counted ${total} of ${EVENTS} enrollments`);
    return { eventsPerSecond: EVENTS / seconds, cpuMsPer1k: ((cpu.user + cpu.system) / 1000 / EVENTS) * 1000 };
  } finally {
    await db.dropDatabase().catch(() => {});
    await deleteTopics(kafka, [topic, `${topic}.dlq`]);
  }
}

const results: Record<"message" | "batch", { eventsPerSecond: number; cpuMsPer1k: number }[]> = {
  message: [],
  batch: [],
};
for (let r = 1; r <= ROUNDS; r++)
  for (const mode of r % 2 ? (["message", "batch"] as const) : (["batch", "message"] as const)) {
    const x = await round(mode);
    results[mode].push(x);
    say(
      `round ${r}/${ROUNDS} commit per ${mode}: ${x.eventsPerSecond.toFixed(0)} events/s, ${x.cpuMsPer1k.toFixed(0)} ms CPU per 1k (this process: consumer and ledger)`,
    );
  }
await client.close();

const stamp = new Date().toISOString().replaceAll(":", "-").replace(".", "-");
const file = join(import.meta.dir, "results", `consumer-${stamp}.json`);
writeFileSync(file, `${JSON.stringify({ events: EVENTS, rounds: ROUNDS, results }, null, 2)}\n`);
const med = (mode: "message" | "batch", k: "eventsPerSecond" | "cpuMsPer1k") => median(results[mode].map((x) => x[k]));
const row = (mode: "message" | "batch", what: string) =>
  `| ${what} | ${med(mode, "eventsPerSecond").toFixed(0)} (${results[mode].map((x) => x.eventsPerSecond.toFixed(0)).join(", ")}) | ${med(mode, "cpuMsPer1k").toFixed(0)} |`;
const ratio = med("batch", "eventsPerSecond") / med("message", "eventsPerSecond");
writePerformanceSection(
  "<!-- bench/consumer.ts -->",
  `## Enrollment consumer: commit per message or per batch

\`bun bench/consumer.ts --events=${EVENTS} --rounds=${ROUNDS}\` (results: bench/results/${file.split("/").pop()}): ${EVENTS} enrollment events on 3 partitions, one consumer of a fresh group, the real ledger on the stack's store, until the group's committed offsets reach the end; rounds alternate.

| commit | events/s, median (rounds) | CPU ms per 1k events (consumer process) |
|---|---|---|
${row("message", "awaited after each message")}
${row("batch", "queued after each apply; what piles up goes as one request (the default)")}

Per batch / per message: **${ratio.toFixed(2)}×** the throughput.
`,
);
say(`per batch / per message: ${ratio.toFixed(2)}x; results in ${file}`);
