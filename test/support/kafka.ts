// Reading and writing topics from tests, as an independent client would.
import { Kafka, logLevel, type IHeaders } from "kafkajs";

export interface Received {
  key: string;
  value: string;
  headers: Record<string, string>;
  partition: number;
  offset: string;
  /** The producer's timestamp (ms since the epoch). */
  timestamp: number;
}

export function testKafka(brokers: string[]): Kafka {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = "1";
  return new Kafka({ clientId: "it", brokers, logLevel: logLevel.NOTHING });
}

function headersToStrings(h: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k, String(v)]));
}

/**
 * Reads `topic` from the beginning with a fresh group: first until `until` says the expected
 * messages are there (or fails after timeoutMs), then on to the topic's end offsets, and again
 * until they stop moving for `quietMs` — so a duplicate or an extra message already written, or
 * written just after, is in what it returns. Assert exact counts on the result, never `until`'s.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  until: (msgs: Received[]) => boolean,
  timeoutMs = 30_000,
  quietMs = 1000,
): Promise<Received[]> {
  await waitForTopic(kafka, topic, timeoutMs);
  const consumer = kafka.consumer({ groupId: `it-reader-${crypto.randomUUID()}` });
  const got: Received[] = [];
  const last = new Map<number, number>();
  let wake: () => void = () => {};
  await consumer.connect();
  const admin = kafka.admin();
  await admin.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    void consumer.run({
      eachMessage: async ({ message, partition }) => {
        got.push({
          key: String(message.key),
          value: String(message.value),
          headers: headersToStrings(message.headers),
          partition,
          offset: message.offset,
          timestamp: Number(message.timestamp),
        });
        last.set(partition, Number(message.offset));
        wake();
      },
    });
    const deadline = Date.now() + timeoutMs;
    const waitFor = async (what: string, done: () => boolean) => {
      while (!done()) {
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
      const offsets = await admin.fetchTopicOffsets(topic);
      const now = JSON.stringify(offsets.map((o) => [o.partition, o.high]));
      if (now === ends) break;
      ends = now;
      await waitFor("the topic's end offsets", () =>
        offsets.every((o) => Number(o.high) === 0 || (last.get(o.partition) ?? -1) >= Number(o.high) - 1),
      );
      await Bun.sleep(quietMs);
    }
  } finally {
    await admin.disconnect();
    await consumer.disconnect();
  }
  return got;
}

/**
 * Waits until consumer group `groupId` has committed every message of `topic` written so far
 * (committed offsets at the end offsets): after it, whatever the group does with those messages
 * is done, so a count read then is final — no "eventually equal" that an extra apply could follow.
 */
export async function consumedToEnd(kafka: Kafka, groupId: string, topic: string, timeoutMs = 60_000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)]));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      const behind = [...ends].filter(([p, high]) => high > 0 && (at.get(p) ?? -1) < high);
      if (behind.length === 0) return;
      if (Date.now() > deadline)
        throw new Error(
          `group ${groupId} did not consume ${topic} to its end within ${timeoutMs}ms: ${behind.map(([p, h]) => `partition ${p} at ${at.get(p)} of ${h}`).join(", ")}`,
        );
      await Bun.sleep(200);
    }
  } finally {
    await admin.disconnect();
  }
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

/** Topics are created by the service at start: readers wait for them instead of failing. */
export async function waitForTopic(kafka: Kafka, topic: string, timeoutMs: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    while (!(await admin.listTopics()).includes(topic)) {
      if (Date.now() > deadline) throw new Error(`topic ${topic} does not exist after ${timeoutMs}ms`);
      await Bun.sleep(200);
    }
  } finally {
    await admin.disconnect();
  }
}

export async function produce(
  kafka: Kafka,
  topic: string,
  messages: { key?: string; value: string; headers?: Record<string, string> }[],
): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
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
