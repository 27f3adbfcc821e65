// Reading and writing topics from tests, as an independent client would (@platformatic/kafka,
// with clients of the tests' own: nothing of src/adapters/kafka).
import { Admin, Consumer, type Message, Producer, stringSerializers } from "@platformatic/kafka";

export interface Received {
  key: string;
  value: string;
  headers: Record<string, string>;
  partition: number;
  offset: string;
  /** The producer's timestamp (ms since the epoch). */
  timestamp: number;
}

/** Where the tests' clients connect. */
export interface TestKafka {
  brokers: string[];
}

export function testKafka(brokers: string[]): TestKafka {
  return { brokers };
}

const base = (kafka: TestKafka, role: string) => ({
  clientId: `it-${role}`,
  bootstrapBrokers: kafka.brokers,
  connectTimeout: 5000,
  timeout: 10_000,
  retries: 5,
  retryDelay: 250,
});

/** An admin client for `fn`, closed after it. */
export async function withAdmin<T>(kafka: TestKafka, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Admin(base(kafka, "admin"));
  try {
    return await fn(admin);
  } finally {
    await admin.close().catch(() => {});
  }
}

/** Creates `topic` and waits until every partition has a leader (a send right after it succeeds). */
export async function createTopic(
  kafka: TestKafka,
  topic: string,
  partitions = 1,
  configs: { name: string; value: string }[] = [],
): Promise<void> {
  await withAdmin(kafka, (admin) => admin.createTopics({ topics: [topic], partitions, replicas: 1, configs }));
  await waitForTopic(kafka, topic, 30_000, partitions);
}

export async function deleteTopics(kafka: TestKafka, topics: string[]): Promise<void> {
  await withAdmin(kafka, (admin) => admin.deleteTopics({ topics })).catch(() => {});
}

/** The end offset (the next offset to be written) of each partition of `topic`. */
export async function endOffsets(kafka: TestKafka, topic: string): Promise<bigint[]> {
  const consumer = new Consumer({ ...base(kafka, "offsets"), groupId: `it-offsets-${crypto.randomUUID()}` });
  try {
    return (await consumer.listOffsets({ topics: [topic] })).get(topic) ?? [];
  } finally {
    await consumer.close(true).catch(() => {});
  }
}

function received(m: Message<Buffer, Buffer, Buffer, Buffer>): Received {
  const headers: Record<string, string> = {};
  for (const [k, v] of m.headers) headers[String(k)] = String(v);
  return {
    key: String(m.key ?? ""),
    value: String(m.value ?? ""),
    headers,
    partition: m.partition,
    offset: String(m.offset),
    timestamp: Number(m.timestamp),
  };
}

/**
 * Reads `topic` from the beginning with a fresh group: first until `until` says the expected
 * messages are there (or fails after timeoutMs), then on to the topic's end offsets, and again
 * until they stop moving for `quietMs` — so a duplicate or an extra message already written, or
 * written just after, is in what it returns. Assert exact counts on the result, never `until`'s.
 */
export async function readTopic(
  kafka: TestKafka,
  topic: string,
  until: (msgs: Received[]) => boolean,
  timeoutMs = 30_000,
  quietMs = 1000,
): Promise<Received[]> {
  await waitForTopic(kafka, topic, timeoutMs);
  const consumer = new Consumer({ ...base(kafka, "reader"), groupId: `it-reader-${crypto.randomUUID()}` });
  const got: Received[] = [];
  const last = new Map<number, bigint>();
  let wake: () => void = () => {};
  let failed: unknown;
  try {
    const stream = await consumer.consume({ topics: [topic], mode: "earliest", autocommit: false, maxWaitTime: 200 });
    // A record is read once: the client fetches from the start again when its group (re)joins,
    // so a record at a position already read is the reader's repeat, not the topic's content
    // (a duplicate on the topic has an offset of its own).
    const positions = new Set<string>();
    stream.on("data", (m: Message<Buffer, Buffer, Buffer, Buffer>) => {
      const at = `${m.partition}:${m.offset}`;
      if (positions.has(at)) return;
      positions.add(at);
      got.push(received(m));
      last.set(m.partition, m.offset);
      wake();
    });
    stream.on("error", (e) => {
      failed = e;
      wake();
    });
    const deadline = Date.now() + timeoutMs;
    const waitFor = async (what: string, done: () => boolean) => {
      while (!done()) {
        if (failed) throw failed;
        if (Date.now() > deadline)
          throw new Error(`read ${got.length} messages from ${topic} within ${timeoutMs}ms; still waiting for ${what}`);
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 100);
        });
      }
    };
    await waitFor("enough messages", () => until(got));
    // On to the end, and again while the end moves: nothing written so far is left out.
    let ends = "";
    for (;;) {
      const offsets = await consumer.listOffsets({ topics: [topic] });
      const high = offsets.get(topic) ?? [];
      const now = high.join(",");
      if (now === ends) break;
      ends = now;
      await waitFor("the topic's end offsets", () => high.every((h, p) => h === 0n || (last.get(p) ?? -1n) >= h - 1n));
      await Bun.sleep(quietMs);
    }
  } finally {
    await consumer.close(true).catch(() => {});
  }
  return got;
}

/** The offsets group `groupId` has committed on `topic`, by partition. */
async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Map<number, bigint>> {
  const [group] = await admin.listConsumerGroupOffsets({ groups: [groupId] }).catch(() => []);
  const parts = group?.topics.find((t) => t.name === topic)?.partitions ?? [];
  return new Map(parts.map((p) => [p.partitionIndex, p.committedOffset]));
}

/** Messages of `topic` that group `groupId` has not committed yet, over all partitions. */
export async function groupLag(kafka: TestKafka, groupId: string, topic: string): Promise<number> {
  const ends = await endOffsets(kafka, topic);
  const at = await withAdmin(kafka, (admin) => committedOffsets(admin, groupId, topic));
  return ends.reduce((sum, high, p) => {
    const committed = at.get(p) ?? 0n;
    return sum + Math.max(0, Number(high - (committed < 0n ? 0n : committed)));
  }, 0);
}

/** A producer of the tests' own (idempotent, acks from all in-sync replicas), for many sends. */
export function testProducer(kafka: TestKafka): Producer<string, string, string, string> {
  return new Producer({ ...base(kafka, "producer"), idempotent: true, retries: 3, serializers: stringSerializers });
}

/**
 * Waits until consumer group `groupId` has committed every message of `topic` written so far
 * (committed offsets at the end offsets): after it, whatever the group does with those messages
 * is done, so a count read then is final — no "eventually equal" that an extra apply could follow.
 */
export async function consumedToEnd(
  kafka: TestKafka,
  groupId: string,
  topic: string,
  timeoutMs = 60_000,
): Promise<void> {
  const ends = await endOffsets(kafka, topic);
  const deadline = Date.now() + timeoutMs;
  await withAdmin(kafka, async (admin) => {
    for (;;) {
      const at = await committedOffsets(admin, groupId, topic);
      const behind = ends
        .map((high, p) => [p, high] as const)
        .filter(([p, high]) => high > 0n && (at.get(p) ?? -1n) < high);
      if (behind.length === 0) return;
      if (Date.now() > deadline)
        throw new Error(
          `group ${groupId} did not consume ${topic} to its end within ${timeoutMs}ms: ${behind.map(([p, h]) => `partition ${p} at ${at.get(p)} of ${h}`).join(", ")}`,
        );
      await Bun.sleep(200);
    }
  });
}

/** Event ids that occur more than once among CloudEvents messages. */
export function duplicateIds(msgs: Received[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const m of msgs) {
    const id = (JSON.parse(m.value) as { id: string }).id;
    if (seen.has(id)) dup.add(id);
    seen.add(id);
  }
  return [...dup];
}

/**
 * Waits until `topic` exists with a leader for every partition (`partitions` of them, when given).
 * Topics are created by the service at start: readers wait for them instead of failing.
 */
export async function waitForTopic(
  kafka: TestKafka,
  topic: string,
  timeoutMs: number,
  partitions?: number,
): Promise<void> {
  await withAdmin(kafka, async (admin) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const meta = await admin.metadata({ topics: [topic], forceUpdate: true }).catch(() => undefined);
      const parts = meta?.topics.get(topic)?.partitions ?? [];
      if (parts.length > 0 && parts.length === (partitions ?? parts.length) && parts.every((p) => p.leader >= 0))
        return;
      if (Date.now() > deadline)
        throw new Error(`topic ${topic} has no leader for every partition after ${timeoutMs}ms`);
      await Bun.sleep(200);
    }
  });
}

/** Writes `messages` to `topic` (acks from all in-sync replicas), with a producer of its own. */
export async function produce(
  kafka: TestKafka,
  topic: string,
  messages: { key?: string; value: string; headers?: Record<string, string> }[],
): Promise<void> {
  const producer = new Producer({ ...base(kafka, "producer"), serializers: stringSerializers });
  try {
    await producer.send({
      acks: -1,
      messages: messages.map((m) => ({ topic, key: m.key, value: m.value, headers: m.headers })),
    });
  } finally {
    await producer.close().catch(() => {});
  }
}

/** A message of the enrollment service, as it publishes them: a CloudEvent keyed by the course. */
export function enrollment(
  type: "enrollment.created" | "enrollment.cancelled",
  courseId: string,
  id: string = crypto.randomUUID(),
): { key: string; value: string } {
  return {
    key: courseId,
    value: JSON.stringify({
      specversion: "1.0",
      id,
      source: "/enrollments",
      type,
      subject: courseId,
      time: new Date().toISOString(),
      datacontenttype: "application/json",
      data: { courseId, studentId: `s-${id.slice(0, 8)}` },
    }),
  };
}
