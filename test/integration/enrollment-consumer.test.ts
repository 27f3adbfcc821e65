// The enrollment consumer on the real Kafka, behind the domain's own port (an in-memory ledger
// stands in for the store): a crash of the client (an error it does not retry stops it) is
// counted, shown in its state, and followed by a restart that redelivers what was not committed.
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import {
  type ConsumerState,
  EnrollmentConsumer,
  type EnrollmentConsumerOptions,
  type MessageOutcome,
} from "../../src/adapters/kafka/enrollment-consumer.ts";
import type { ApplyOutcome, EnrollmentEvent } from "../../src/app/enrollments.ts";
import { AppError } from "../../lib/xerrors/index.ts";
import { ShutdownCoordinator } from "../../lib/xshutdown/index.ts";
import { createTopic, deleteTopics, enrollment, produce, type TestKafka, testKafka } from "../support/kafka.ts";
import { stack, uniqueName } from "../support/stack.ts";

let kafka: TestKafka;
const topic = `it.consumer-crash.${uniqueName("t")}`;
const created: string[] = [topic, `${topic}.dlq`];
beforeAll(async () => {
  kafka = testKafka((await stack()).kafkaBrokers);
  await createTopic(kafka, topic);
  await createTopic(kafka, `${topic}.dlq`);
});
afterAll(() => deleteTopics(kafka, created));

const quietCoordinator = () =>
  new ShutdownCoordinator({
    deadlineMs: 10_000,
    defaultTimeoutMs: 5000,
    logger: { info() {}, warn() {}, error() {} },
    exit: () => {},
  });

/** A one-partition topic of the test's own, named after `suffix`. */
async function ownTopic(suffix: string): Promise<string> {
  const own = `${topic}.${suffix}`;
  await createTopic(kafka, own);
  created.push(own);
  return own;
}

/** A consumer of `on` in a group of its own, with short backoffs; `over` changes any option. */
const consumerOf = (
  on: string,
  apply: (e: EnrollmentEvent) => Promise<ApplyOutcome>,
  observe: (o: MessageOutcome) => void = () => {},
  over: Partial<EnrollmentConsumerOptions> = {},
) =>
  new EnrollmentConsumer(
    { clientId: "it", brokers: kafka.brokers, connectionTimeout: 3000, requestTimeout: 10_000 },
    {
      topic: on,
      dlqTopic: `${topic}.dlq`,
      groupId: `it-${crypto.randomUUID()}`,
      partitionsConsumedConcurrently: 1,
      retryBackoffInitialMs: 100,
      retryBackoffMaxMs: 400,
      maxAttemptsOnBug: 3,
      ...over,
    },
    apply,
    observe,
  );

describe("EnrollmentConsumer", () => {
  it("a store outage's retries never count towards dead-lettering: one unexpected error after many waits is retried", async () => {
    const own = await ownTopic("outage");
    const script: (() => ApplyOutcome)[] = [
      ...Array.from({ length: 6 }, () => () => {
        throw AppError.unavailable("The course store is unavailable; retry later.", { code: "store_unavailable" });
      }),
      () => {
        throw new Error("unexpected, once");
      },
      () => "applied",
    ];
    const outcomes: string[] = [];
    const coordinator = quietCoordinator();
    const consumer = consumerOf(
      own,
      async () => script.shift()!(),
      (o) => outcomes.push(o),
      { fromBeginning: true },
    );
    await produce(kafka, own, [enrollment("enrollment.created", "course-outage")]);
    await consumer.run(coordinator.worker("consumer"));
    for (let i = 0; i < 300 && !outcomes.includes("applied") && !outcomes.includes("dead_lettered"); i++)
      await Bun.sleep(100);
    await coordinator.shutdown("test over");
    expect(outcomes).toEqual([...Array(7).fill("retry"), "applied"]);
  }, 90_000);

  it("a new group starts at the topic's end by default: events older than it are not counted again", async () => {
    const own = await ownTopic("latest");
    await produce(kafka, own, [enrollment("enrollment.created", "course-old")]);
    const applied: string[] = [];
    const coordinator = quietCoordinator();
    const consumer = consumerOf(own, async (e) => {
      applied.push(e.courseId);
      return "applied";
    });
    await consumer.run(coordinator.worker("consumer"));
    // Newer events until one arrives (the group's start is wherever the end was when it joined);
    // the one produced before the group existed must never come.
    for (let i = 0; i < 60 && !applied.includes("course-new"); i++) {
      await produce(kafka, own, [enrollment("enrollment.created", "course-new")]);
      await Bun.sleep(500);
    }
    await coordinator.shutdown("test over");
    expect(applied).toContain("course-new");
    expect(applied).not.toContain("course-old");
  }, 90_000);

  it("restarts after a crash with backoff, counts it, shows it, and applies every event once", async () => {
    const applied = new Map<string, number>();
    const apply = async (e: EnrollmentEvent): Promise<ApplyOutcome> => {
      const n = (applied.get(e.id) ?? 0) + 1;
      applied.set(e.id, n);
      return n === 1 ? "applied" : "duplicate";
    };
    let observed = 0;
    const statesAtCrash: ConsumerState[] = [];
    let consumer!: EnrollmentConsumer;
    consumer = consumerOf(
      topic,
      apply,
      () => {
        // A bug after the first event was applied, before its offset was committed.
        if (++observed === 1) throw new Error("observer bug");
      },
      {
        retryBackoffInitialMs: 200,
        retryBackoffMaxMs: 1000,
        fromBeginning: true,
        onCrash: () => queueMicrotask(() => statesAtCrash.push(consumer.state)),
      },
    );
    const coordinator = quietCoordinator();
    const events = ["a", "b", "c"].map((k) => enrollment("enrollment.created", `course-${k}`));
    await produce(kafka, topic, events);
    await consumer.run(coordinator.worker("consumer"));
    const ids = events.map((e) => JSON.parse(e.value).id as string);
    // Bounded wait for all three (the restart comes after at least 200 ms of backoff).
    for (let i = 0; i < 300 && !(ids.every((id) => applied.has(id)) && consumer.state === "running"); i++)
      await Bun.sleep(100);
    expect(statesAtCrash).toEqual(["crashed"]);
    expect(consumer.state).toBe("running");
    // The first event came again after the restart (its offset was never committed): a duplicate.
    expect(ids.map((id) => applied.get(id))).toEqual([2, 1, 1]);
    await coordinator.shutdown("test over");
    expect(consumer.state).toBe("stopped");
  }, 90_000);
});
