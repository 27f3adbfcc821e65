// The enrollment consumer under the two faults a Kafka client must survive, on real brokers
// (the domain's ledger port is an in-memory one that counts what it is given):
// - the broker goes away for 10 s in the middle of a burst: nothing acknowledged is lost, and the
//   consumer comes back by itself (its supervisor re-creates the stream);
// - a second member joins the group, then the first leaves (two rebalances) while messages are in
//   flight: every message is applied, and what arrives twice is caught by the ledger and counted.
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { EnrollmentConsumer, type EnrollmentConsumerOptions } from "../../src/adapters/kafka/enrollment-consumer.ts";
import type { ApplyOutcome, EnrollmentEvent } from "../../src/app/enrollments.ts";
import { ShutdownCoordinator } from "../../lib/xshutdown/index.ts";
import {
  consumedToEnd,
  createTopic,
  deleteTopics,
  enrollment,
  type TestKafka,
  testKafka,
  testProducer,
} from "../support/kafka.ts";
import { ownKafka } from "../support/own-servers.ts";
import { stack, type StackEndpoints, uniqueName } from "../support/stack.ts";

let s: StackEndpoints;
const topics: string[] = [];
beforeAll(async () => {
  s = await stack();
});
afterAll(() => deleteTopics(testKafka(s.kafkaBrokers), topics));

const coordinator = () =>
  new ShutdownCoordinator({
    deadlineMs: 20_000,
    defaultTimeoutMs: 10_000,
    logger: { info() {}, warn() {}, error() {} },
    exit: () => {},
  });

/** A ledger that applies each event id once and says "duplicate" for every later delivery. */
function countingLedger() {
  const seen = new Map<string, number>();
  return {
    seen,
    apply: async (e: EnrollmentEvent): Promise<ApplyOutcome> => {
      const n = (seen.get(e.id) ?? 0) + 1;
      seen.set(e.id, n);
      return n === 1 ? "applied" : "duplicate";
    },
    duplicates: () => [...seen.values()].reduce((sum, n) => sum + n - 1, 0),
  };
}

const consumer = (
  kafka: TestKafka,
  topic: string,
  groupId: string,
  apply: (e: EnrollmentEvent) => Promise<ApplyOutcome>,
  over: Partial<EnrollmentConsumerOptions> = {},
) =>
  new EnrollmentConsumer(
    { clientId: "it", brokers: kafka.brokers, connectionTimeout: 2000, requestTimeout: 5000 },
    {
      topic,
      dlqTopic: `${topic}.dlq`,
      groupId,
      partitionsConsumedConcurrently: 3,
      retryBackoffInitialMs: 200,
      retryBackoffMaxMs: 2000,
      maxAttemptsOnBug: 3,
      fromBeginning: true,
      sessionTimeoutMs: 10_000,
      ...over,
    },
    apply,
  );

/** Waits (bounded) until `done`; the caller asserts on what it waited for afterwards. */
async function until(done: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await Bun.sleep(100);
}

describe("EnrollmentConsumer under faults", () => {
  it("a 10 s broker outage in the middle of a burst loses nothing acknowledged, and the consumer resumes by itself", async () => {
    const broker = await ownKafka(s);
    const kafka = testKafka(broker.brokers);
    const topic = uniqueName("it.consumer-outage");
    await createTopic(kafka, topic, 3);
    await createTopic(kafka, `${topic}.dlq`, 1);
    const ledger = countingLedger();
    let crashes = 0;
    // Two members of one group: a broker restart makes the group rebalance as it comes back, and
    // each member's client re-joins in the background (a failure of that must reach the
    // supervisor, never end the process as an uncaught exception).
    const groupId = `it-${crypto.randomUUID()}`;
    const c = consumer(kafka, topic, groupId, ledger.apply, { onCrash: () => crashes++ });
    const c2 = consumer(kafka, topic, groupId, ledger.apply, { onCrash: () => crashes++ });
    const shutdown = coordinator();
    const producer = testProducer(kafka);
    const acked: string[] = [];
    const unsure: string[] = [];
    try {
      await c.run(shutdown.worker("consumer"));
      await c2.run(shutdown.worker("consumer 2"));
      let outage: Promise<void> | undefined;
      for (let i = 0; acked.length < 300; i++) {
        if (i === 10)
          outage = (async () => {
            await broker.down();
            await Bun.sleep(10_000);
            await broker.up();
          })();
        const batch = Array.from({ length: 10 }, (_, k) => enrollment("enrollment.created", `course-${(i + k) % 17}`));
        const ids = batch.map((m) => JSON.parse(m.value).id as string);
        try {
          await producer.send({ messages: batch.map((m) => ({ topic, key: m.key, value: m.value })) });
          acked.push(...ids);
        } catch {
          // Not acknowledged (the broker is away): it may still have been written.
          unsure.push(...ids);
          await Bun.sleep(500);
        }
      }
      await outage;
      await until(() => acked.every((id) => ledger.seen.has(id)) && c.health().ok && c2.health().ok, 120_000);
      const missing = acked.filter((id) => !ledger.seen.has(id));
      const unknown = [...ledger.seen.keys()].filter((id) => !acked.includes(id) && !unsure.includes(id));
      console.error(
        `[consumer-outage] ${acked.length} acknowledged, ${unsure.length} unacknowledged sends; stream failures ${crashes}; duplicates caught by the ledger ${ledger.duplicates()}`,
      );
      expect({ missing, unknown }).toEqual({ missing: [], unknown: [] });
      expect([c.health().ok, c2.health().ok]).toEqual([true, true]);
    } finally {
      await producer.close(true).catch(() => {});
      await shutdown.shutdown("test over");
      await broker.stop();
    }
  }, 240_000);

  it("two rebalances while messages are in flight: every message applied, the ledger catches what came twice", async () => {
    const kafka = testKafka(s.kafkaBrokers);
    const topic = uniqueName("it.consumer-rebalance");
    topics.push(topic, `${topic}.dlq`);
    await createTopic(kafka, topic, 6);
    await createTopic(kafka, `${topic}.dlq`, 1);
    const groupId = `it-${crypto.randomUUID()}`;
    const ledger = countingLedger();
    // Slow enough that both members hold messages they fetched when the group changes.
    const apply = async (e: EnrollmentEvent) => {
      await Bun.sleep(5);
      return ledger.apply(e);
    };
    const skipped = { a: 0, b: 0 };
    const a = consumer(kafka, topic, groupId, apply, { onSkipped: () => skipped.a++ });
    const b = consumer(kafka, topic, groupId, apply, { onSkipped: () => skipped.b++ });
    const [shutdownA, shutdownB] = [coordinator(), coordinator()];
    const producer = testProducer(kafka);
    const ids: string[] = [];
    try {
      for (let i = 0; i < 40; i++) {
        const batch = Array.from({ length: 100 }, (_, k) => enrollment("enrollment.created", `course-${i}-${k % 13}`));
        await producer.send({ messages: batch.map((m) => ({ topic, key: m.key, value: m.value })) });
        ids.push(...batch.map((m) => JSON.parse(m.value).id as string));
      }
      await a.run(shutdownA.worker("consumer"));
      await until(() => ledger.seen.size >= 300, 60_000);
      // B joins: the group's partitions are split between A and B.
      await b.run(shutdownB.worker("consumer"));
      await until(() => ledger.seen.size >= 1500, 60_000);
      // A leaves: B takes everything.
      await shutdownA.shutdown("member A leaves");
      await consumedToEnd(kafka, groupId, topic, 120_000);
      const missing = ids.filter((id) => !ledger.seen.has(id));
      console.error(
        `[consumer-rebalance] ${ids.length} messages; applied ${ledger.seen.size}; duplicates caught by the ledger ${ledger.duplicates()}; skipped after losing a partition: A ${skipped.a}, B ${skipped.b}`,
      );
      expect(missing).toEqual([]);
      expect(ledger.seen.size).toBe(ids.length);
      // A held messages of the partitions B took when B joined: it left them to B, unapplied.
      expect(skipped.a).toBeGreaterThan(0);
      expect(b.health()).toMatchObject({ ok: true });
    } finally {
      await producer.close().catch(() => {});
      await shutdownA.shutdown("test over");
      await shutdownB.shutdown("test over");
    }
  }, 300_000);
});
