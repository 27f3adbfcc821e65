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

/** Reads `topic` from the beginning with a fresh group until `until` says enough, or fails after timeoutMs. */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  until: (msgs: Received[]) => boolean,
  timeoutMs = 30_000,
): Promise<Received[]> {
  await waitForTopic(kafka, topic, timeoutMs);
  const consumer = kafka.consumer({ groupId: `it-reader-${crypto.randomUUID()}` });
  const got: Received[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read ${got.length} messages from ${topic} within ${timeoutMs}ms, not enough`)),
        timeoutMs,
      );
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
          if (until(got)) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return got;
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
