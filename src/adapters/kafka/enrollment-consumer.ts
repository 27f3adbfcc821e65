// Consumes enrollment events (CloudEvents JSON) and applies them through the ledger.
// - A message that can never succeed (bad JSON, schema violation, unknown type or course) goes
//   to the dead-letter topic with headers saying why and where it came from.
// - A transient failure (store or broker down) is retried in place with backoff, heartbeating,
//   as long as it lasts; an unexpected error is retried a few times (counted apart), then
//   dead-lettered.
// - Offsets are committed only after success or dead-lettering, message by message.
// - A crash (an error kafkajs does not retry: it stops the consumer) is counted, shown in
//   readiness, and the consumer is started again with backoff (a new kafkajs consumer each time).
import { Type as T } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Tracer } from "@opentelemetry/api";
import type { Consumer, Kafka, KafkaMessage, Producer } from "kafkajs";
import { describe as describeError, kindOf } from "../../../lib/xerrors/index.ts";
import { log, withLogFields } from "../../../lib/xlog/index.ts";
import type { Worker } from "../../../lib/xshutdown/index.ts";
import { KafkaTimeout, within } from "./timeout.ts";
import { ENROLLMENT_EVENT_TYPES, type ApplyOutcome, type EnrollmentEvent } from "../../app/enrollments.ts";
import { backoffMs } from "../../app/retry.ts";

const EnrollmentCloudEvent = TypeCompiler.Compile(
  T.Object({
    specversion: T.Literal("1.0"),
    id: T.String({ minLength: 1 }),
    source: T.String({ minLength: 1 }),
    type: T.String({ minLength: 1 }),
    data: T.Object({ courseId: T.String({ minLength: 1 }), studentId: T.String({ minLength: 1 }) }),
  }),
);

export class PermanentFailure extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** Parses a message into an enrollment event, or says why it never can be one. */
export function parseEnrollmentMessage(value: Buffer | null): EnrollmentEvent {
  let json: unknown;
  try {
    json = JSON.parse(value?.toString("utf8") ?? "");
  } catch {
    throw new PermanentFailure("invalid_json", "the message value is not JSON");
  }
  const first = EnrollmentCloudEvent.Errors(json).First();
  if (first) throw new PermanentFailure("schema_violation", `${first.path || "/"}: ${first.message}`);
  const e = json as { id: string; source: string; type: string; data: { courseId: string; studentId: string } };
  if (!(ENROLLMENT_EVENT_TYPES as readonly string[]).includes(e.type)) {
    throw new PermanentFailure(
      "unsupported_type",
      `event type ${e.type} is not one of ${ENROLLMENT_EVENT_TYPES.join(", ")}`,
    );
  }
  return {
    id: e.id,
    source: e.source,
    type: e.type as EnrollmentEvent["type"],
    courseId: e.data.courseId,
    studentId: e.data.studentId,
  };
}

export interface EnrollmentConsumerOptions {
  topic: string;
  dlqTopic: string;
  groupId: string;
  partitionsConsumedConcurrently: number;
  retryBackoffInitialMs: number;
  retryBackoffMaxMs: number;
  maxAttemptsOnBug: number;
  /** Longest wait for a clean disconnect at shutdown (default 5 s). */
  disconnectTimeoutMs?: number;
  /** Where a group with no committed offset starts: its topic's beginning, or its end (default). */
  fromBeginning?: boolean;
  /** Messages behind the high watermark after each message handled, per partition. */
  onLag?: (topic: string, partition: number, lag: number) => void;
  /** Longest a dead-letter send may take (default 30 s); past it, a new producer and a retry. */
  dlqTimeoutMs?: number;
  /** Retries of the client's own operations before it gives up and crashes (default 10). */
  clientRetries?: number;
  /** Called on each crash, before the restart is scheduled. */
  onCrash?: (error: unknown) => void;
}

/** What readiness shows of the consumer. */
export type ConsumerState = "starting" | "running" | "crashed" | "stopped";

export type MessageOutcome = ApplyOutcome | "dead_lettered" | "retry";

export class EnrollmentConsumer {
  private consumer: Consumer;
  private dlq: Producer;
  /** The dead-letter producer was replaced and is not connected yet. */
  private dlqFresh = false;
  /** Retries in a row of the message at the head of each partition, whatever the cause (backoff). */
  private readonly attempts = new Map<string, number>();
  /** Unexpected errors in a row of the message at the head of each partition (dead-lettering). */
  private readonly failures = new Map<string, number>();
  /** Set once the stop handler is installed (run may be retried after a failed start). */
  private stopHandlerInstalled = false;
  private current: ConsumerState = "starting";
  private crashesInARow = 0;
  private stopping = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly opts: EnrollmentConsumerOptions,
    private readonly apply: (e: EnrollmentEvent) => Promise<ApplyOutcome>,
    private readonly observe: (outcome: MessageOutcome) => void = () => {},
    private readonly tracer: Tracer = trace.getTracer("courses"),
  ) {
    this.consumer = this.newConsumer();
    this.dlq = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  }

  /** The consumer's state, for readiness: not ready while crashed (until the restart runs). */
  get state(): ConsumerState {
    return this.current;
  }

  private newConsumer(): Consumer {
    // restartOnFailure false: kafkajs never restarts by itself (it would not for a non-retriable
    // error at all); every crash comes to onCrash, which restarts with our backoff.
    const consumer = this.kafka.consumer({
      groupId: this.opts.groupId,
      allowAutoTopicCreation: false,
      retry: { retries: this.opts.clientRetries ?? 10, restartOnFailure: async () => false },
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => this.onCrash(consumer, payload.error));
    return consumer;
  }

  private onCrash(crashed: Consumer, error: unknown): void {
    if (this.stopping || crashed !== this.consumer) return;
    this.current = "crashed";
    this.crashesInARow++;
    this.opts.onCrash?.(error);
    const wait = backoffMs(this.crashesInARow, this.opts.retryBackoffInitialMs, this.opts.retryBackoffMaxMs);
    log().warn(
      { error: describeError(error), crashes: this.crashesInARow, restartInMs: wait },
      "enrollment consumer crashed; restarting",
    );
    setTimeout(() => void this.restart(crashed), wait);
  }

  private async restart(crashed: Consumer): Promise<void> {
    if (this.stopping) return;
    await crashed.disconnect().catch(() => {});
    this.consumer = this.newConsumer();
    try {
      await this.consume();
    } catch (e) {
      this.onCrash(this.consumer, e);
    }
  }

  /** Runs until the worker is told to stop; then finishes the message in hand and commits. */
  async run(worker: Worker): Promise<void> {
    if (!this.stopHandlerInstalled) {
      this.stopHandlerInstalled = true;
      // kafkajs lets the batch in hand finish (it checks isRunning per message) before it leaves.
      // kafkajs's disconnect can wait out a whole rejoin cycle when the broker just came back
      // (measured: >10 s after "coordinator is loading"); past the bound the process leaves without
      // it. Nothing is lost: uncommitted messages are redelivered, and applying them is idempotent.
      const stop = () => {
        this.stopping = true;
        this.current = "stopped";
        void Promise.race([
          this.consumer.disconnect().then(() => this.dlq.disconnect()),
          Bun.sleep(this.opts.disconnectTimeoutMs ?? 5000).then(() => {
            throw new Error(`no clean disconnect within ${this.opts.disconnectTimeoutMs ?? 5000}ms`);
          }),
        ])
          .catch((e) =>
            log().warn(
              { error: describeError(e) },
              "enrollment consumer did not disconnect cleanly; uncommitted messages will be redelivered",
            ),
          )
          .finally(() => worker.drained());
      };
      if (worker.signal.aborted) stop();
      else worker.signal.addEventListener("abort", stop, { once: true });
    }
    await this.dlq.connect();
    await this.consume();
  }

  /** Connects, subscribes and runs the current kafkajs consumer. */
  private async consume(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.opts.topic, fromBeginning: this.opts.fromBeginning ?? false });
    // autoCommitThreshold 1: commitOffsetsIfNecessary commits after every resolved message.
    await this.consumer.run({
      autoCommitThreshold: 1,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.opts.partitionsConsumedConcurrently,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
        const key = `${batch.topic}:${batch.partition}`;
        for (const message of batch.messages) {
          const where = { topic: batch.topic, partition: batch.partition, offset: message.offset };
          // The message is retried in place, with backoff and heartbeats, until it is handled:
          // kafkajs 2.2.4's pause()/resume() stopped fetching the partition after a few cycles.
          for (;;) {
            if (!isRunning() || isStale()) return;
            const outcome = await this.traced(batch.topic, batch.partition, message, () =>
              withLogFields(where, () => this.handle(batch.topic, batch.partition, message)),
            );
            this.observe(outcome);
            if (outcome !== "retry") break;
            const n = (this.attempts.get(key) ?? 0) + 1;
            this.attempts.set(key, n);
            const wait = backoffMs(n, this.opts.retryBackoffInitialMs, this.opts.retryBackoffMaxMs);
            // One warning when a partition starts waiting, not one per attempt of a long outage.
            if (n === 1)
              log().warn({ ...where, retryInMs: wait }, "enrollment event not processed; retrying with backoff");
            else log().debug({ ...where, attempt: n, retryInMs: wait }, "enrollment event not processed; retrying");
            if (!(await this.backoff(wait, heartbeat, isRunning))) return;
          }
          const waited = this.attempts.get(key);
          if (waited) log().info({ ...where, attempts: waited + 1 }, "enrollment event processed after retries");
          this.attempts.delete(key);
          this.failures.delete(key);
          resolveOffset(message.offset);
          this.opts.onLag?.(
            batch.topic,
            batch.partition,
            Math.max(0, Number(batch.highWatermark) - Number(message.offset) - 1),
          );
          await commitOffsetsIfNecessary();
          await heartbeat();
        }
      },
    });
    this.current = "running";
    this.crashesInARow = 0;
  }

  /**
   * Waits `ms` in slices of at most a second, heartbeating. False when the wait was cut short:
   * the consumer is stopping, or a heartbeat failed (a rebalance: the partition may be another
   * member's now) — the batch is then left without resolving the message.
   */
  private async backoff(ms: number, heartbeat: () => Promise<void>, isRunning: () => boolean): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (!isRunning()) return false;
      await Bun.sleep(Math.min(1000, until - Date.now()));
      if (
        !(await heartbeat().then(
          () => true,
          () => false,
        ))
      )
        return false;
    }
    return isRunning();
  }

  /** A CONSUMER span per message, continuing the producer's trace from its traceparent header. */
  private traced(
    topic: string,
    partition: number,
    message: KafkaMessage,
    fn: () => Promise<MessageOutcome>,
  ): Promise<MessageOutcome> {
    const carrier = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
    const parent = propagation.extract(ROOT_CONTEXT, carrier);
    const span = this.tracer.startSpan(
      `${topic} process`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          "messaging.system": "kafka",
          "messaging.operation.type": "process",
          "messaging.destination.name": topic,
          "messaging.destination.partition.id": String(partition),
          "messaging.kafka.offset": Number(message.offset),
          "messaging.consumer.group.name": this.opts.groupId,
        },
      },
      parent,
    );
    return context.with(trace.setSpan(parent, span), async () => {
      try {
        const outcome = await fn();
        span.setAttribute("enrollment.outcome", outcome);
        if (outcome === "retry" || outcome === "dead_lettered")
          span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
        return outcome;
      } finally {
        span.end();
      }
    });
  }

  private async handle(topic: string, partition: number, message: KafkaMessage): Promise<MessageOutcome> {
    let event: EnrollmentEvent;
    try {
      event = parseEnrollmentMessage(message.value);
    } catch (e) {
      if (e instanceof PermanentFailure) return this.deadLetter(topic, partition, message, e.reason, e.message);
      throw e;
    }
    try {
      const outcome = await this.apply(event);
      log().debug({ eventId: event.id, courseId: event.courseId, outcome }, "enrollment event processed");
      return outcome;
    } catch (e) {
      const kind = kindOf(e);
      if (kind === "not_found")
        return this.deadLetter(topic, partition, message, "unknown_course", `no course ${event.courseId}`);
      if (kind === "invalid_argument")
        return this.deadLetter(topic, partition, message, "invalid_event", describeError(e));
      // A dependency outage: wait as long as it lasts; it never counts towards dead-lettering.
      if (kind === "unavailable") return "retry";
      const key = `${topic}:${partition}`;
      const failures = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, failures);
      if (failures >= this.opts.maxAttemptsOnBug) {
        log().error(
          { error: describeError(e), eventId: event.id },
          "enrollment event failed repeatedly; dead-lettering it",
        );
        return this.deadLetter(
          topic,
          partition,
          message,
          "processing_failed",
          "processing failed repeatedly; see the service logs",
        );
      }
      log().error({ error: describeError(e), eventId: event.id }, "enrollment event failed unexpectedly; will retry");
      return "retry";
    }
  }

  private async deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    reason: string,
    detail: string,
  ): Promise<MessageOutcome> {
    const dlq = this.dlq;
    try {
      await within(
        // A replaced producer connects on its first send.
        (this.dlqFresh ? dlq.connect() : Promise.resolve()).then(() => {
          this.dlqFresh = false;
          return dlq.send({
            topic: this.opts.dlqTopic,
            acks: -1,
            messages: [
              {
                key: message.key,
                value: message.value,
                headers: {
                  ...message.headers,
                  "dlq-reason": reason,
                  "dlq-detail": detail,
                  "dlq-original-topic": topic,
                  "dlq-original-partition": String(partition),
                  "dlq-original-offset": message.offset,
                  "dlq-consumer-group": this.opts.groupId,
                  "dlq-failed-at": new Date().toISOString(),
                },
              },
            ],
          });
        }),
        this.opts.dlqTimeoutMs ?? 30_000,
        "dead-letter",
      );
      log().warn({ reason, detail }, "enrollment event dead-lettered");
      return "dead_lettered";
    } catch (e) {
      if (e instanceof KafkaTimeout && this.dlq === dlq) {
        // A producer that stopped answering is replaced; the message is retried through the new one.
        this.dlq = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
        this.dlqFresh = true;
        void dlq.disconnect().catch(() => {});
      }
      log().warn({ error: describeError(e) }, "dead-letter topic unavailable");
      return "retry";
    }
  }
}
