// The relay's drain after a Kafka outage, shared by bench/run.ts and bench/outbox.ts: a broker of
// the run's own (test/support/own-servers.ts; the stack's stays up) is stopped, a burst of `courses` courses × 4 changes (create, patch, lesson, publish)
// goes through the API at one request per 30 ms, Kafka comes back, and the events topic is read to
// its end. Each course has several events, so per-course order can be violated and is checked;
// duplicates are counted over everything read.
import { readTopic, testKafka, waitForTopic } from "../../test/support/kafka.ts";
import { ownKafka } from "../../test/support/own-servers.ts";
import type { RunningService } from "../../test/support/service.ts";
import type { StackEndpoints } from "../../test/support/stack.ts";

/** A course of the outbox benchmarks: 400 characters of description, tags from a set of 50. */
export const benchCourse = (i: number, tag: string) => ({
  title: `Bench ${tag} ${i}`,
  summary: "A course for the benchmark",
  description: "d".repeat(400),
  language: "en",
  level: "beginner" as const,
  instructor: { id: "i-1", name: "Ada" },
  tags: ["bench", `t${i % 50}`],
});

export interface DrainResult {
  eventsPerSecond: number;
  distinct: number;
  expected: number;
  seconds: number;
  duplicates: number;
  outOfOrder: number;
  outageSeconds: number;
}

export async function outageDrain(opts: {
  stack: StackEndpoints;
  /** Starts the service with these brokers (the run's own) and its events on `topic`. */
  start: (brokers: string[]) => Promise<RunningService>;
  topic: string;
  courses: number;
  /** Headers for every request (a bearer token when the service checks them). */
  headers?: Record<string, string>;
}): Promise<DrainResult> {
  const broker = await ownKafka(opts.stack, { quick: false });
  try {
    const svc = await opts.start(broker.brokers);
    try {
      return await drain(svc.url, testKafka(broker.brokers), broker, opts);
    } finally {
      await svc.stop();
    }
  } finally {
    await broker.stop();
  }
}

async function drain(
  url: string,
  kafka: ReturnType<typeof testKafka>,
  broker: { down(): Promise<void>; up(): Promise<void> },
  opts: { topic: string; courses: number; headers?: Record<string, string> },
): Promise<DrainResult> {
  const { topic, courses } = opts;
  const expected = courses * 4;
  await waitForTopic(kafka, topic, 30_000);
  await broker.down();
  const down = performance.now();
  let outageSeconds = 0;
  try {
    let sent = 0;
    const call = async (path: string, method: string, body?: unknown) => {
      await Bun.sleep(Math.max(0, down + sent++ * 30 - performance.now()));
      const r = await fetch(`${url}${path}`, {
        method,
        headers: {
          "content-type": method === "PATCH" ? "application/merge-patch+json" : "application/json",
          ...opts.headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!r.ok) throw new Error(`${method} ${path} answered ${r.status}: ${await r.text()}`);
      return r;
    };
    for (let i = 0; i < courses; i++) {
      const created = await call("/v1/courses", "POST", benchCourse(i, "outage"));
      const { id } = (await created.json()) as { id: string };
      await (await call(`/v1/courses/${id}`, "PATCH", { summary: `Changed ${i}` })).arrayBuffer();
      await (
        await call(`/v1/courses/${id}/lessons`, "POST", { title: "Only lesson", durationMinutes: 5 })
      ).arrayBuffer();
      await (await call(`/v1/courses/${id}/publish`, "POST")).arrayBuffer();
    }
  } finally {
    outageSeconds = (performance.now() - down) / 1000;
    await broker.up();
  }
  const distinctIds = (m: { value: string }[]) => new Set(m.map((x) => JSON.parse(x.value).id)).size;
  const msgs = await readTopic(kafka, topic, (m) => distinctIds(m) >= expected, 180_000);
  const ts = msgs.map((m) => m.timestamp);
  const seconds = (Math.max(...ts) - Math.min(...ts)) / 1000;
  // Per course, in partition order (one key, one partition), the first delivery of each event:
  // versions must rise strictly. Redeliveries are counted as duplicates.
  const seen = new Set<string>();
  const last = new Map<string, number>();
  let outOfOrder = 0;
  for (const m of [...msgs].sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset))) {
    const e = JSON.parse(m.value) as { id: string; data: { courseVersion: number } };
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    if ((last.get(m.key) ?? 0) >= e.data.courseVersion) outOfOrder++;
    last.set(m.key, e.data.courseVersion);
  }
  return {
    eventsPerSecond: seen.size / seconds,
    distinct: seen.size,
    expected,
    seconds,
    duplicates: msgs.length - seen.size,
    outOfOrder,
    outageSeconds,
  };
}

export const describeDrain = (d: DrainResult) =>
  `${d.distinct} of ${d.expected} events in ${d.seconds.toFixed(2)} s after a ${d.outageSeconds.toFixed(0)} s outage; ${d.duplicates} duplicates over everything read; ${d.outOfOrder} out of per-course order`;
