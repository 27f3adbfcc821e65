// Consumes enrollment events (CloudEvents JSON) and applies them through the ledger.
// - A message that can never succeed (bad JSON, schema violation, unknown type or course) goes
//   to the dead-letter topic with headers saying why and where it came from.
// - A transient failure (store or broker down) pauses the partition and retries with backoff,
//   instead of spinning; an unexpected error is retried a few times, then dead-lettered.
// - Offsets are committed only after success or dead-lettering, message by message.
import { Type as T } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Tracer } from "@opentelemetry/api";
import type { Consumer, Kafka, KafkaMessage, Producer } from "kafkajs";
import { describe as describeError, kindOf } from "../../../lib/xerrors/index.ts";
import { log, withLogFields } from "../../../lib/xlog/index.ts";
import type { Worker } from "../../../lib/xshutdown/index.ts";
import { ENROLLMENT_EVENT_TYPES, type ApplyOutcome, type EnrollmentEvent } from "../../app/enrollments.ts";

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
  /** Messages behind the high watermark after each message handled, per partition. */
  onLag?: (topic: string, partition: number, lag: number) => void;
}

export type MessageOutcome = ApplyOutcome | "dead_lettered" | "retry";

export class EnrollmentConsumer {
  private readonly consumer: Consumer;
  private readonly dlq: Producer;
  private readonly attempts = new Map<string, number>();
  /** Set once the stop handler is installed (run may be retried after a failed start). */
  private stopHandlerInstalled = false;

  constructor(
    kafka: Kafka,
    private readonly opts: EnrollmentConsumerOptions,
    private readonly apply: (e: EnrollmentEvent) => Promise<ApplyOutcome>,
    private readonly observe: (outcome: MessageOutcome) => void = () => {},
    private readonly tracer: Tracer = trace.getTracer("courses"),
  ) {
    // autoCommitThreshold 1: commitOffsetsIfNecessary commits after every resolved message.
    this.consumer = kafka.consumer({ groupId: opts.groupId, allowAutoTopicCreation: false, retry: { retries: 10 } });
    this.dlq = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  }

  /** Runs until the worker is told to stop; then finishes the message in hand and commits. */
  async run(worker: Worker): Promise<void> {
    if (!this.stopHandlerInstalled) {
      this.stopHandlerInstalled = true;
      // kafkajs lets the batch in hand finish (it checks isRunning per message) before it leaves.
      // kafkajs's disconnect can wait out a whole rejoin cycle when the broker just came back
      // (measured: >10 s after "coordinator is loading"); past the bound the process leaves without
      // it. Nothing is lost: uncommitted messages are redelivered, and applying them is idempotent.
      const stop = () =>
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
      if (worker.signal.aborted) stop();
      else worker.signal.addEventListener("abort", stop, { once: true });
    }
    await this.dlq.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.opts.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommitThreshold: 1,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.opts.partitionsConsumedConcurrently,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale, pause }) => {
        for (const message of batch.messages) {
          if (!isRunning() || isStale()) return;
          const where = { topic: batch.topic, partition: batch.partition, offset: message.offset };
          const outcome = await this.traced(batch.topic, batch.partition, message, () =>
            withLogFields(where, () => this.handle(batch.topic, batch.partition, message)),
          );
          this.observe(outcome);
          if (outcome === "retry") {
            const key = `${batch.topic}:${batch.partition}`;
            const n = (this.attempts.get(key) ?? 0) + 1;
            this.attempts.set(key, n);
            const wait = Math.min(this.opts.retryBackoffMaxMs, this.opts.retryBackoffInitialMs * 2 ** (n - 1));
            log().warn(
              { ...where, attempt: n, retryInMs: wait },
              "enrollment event not processed; pausing the partition",
            );
            const resume = pause();
            setTimeout(resume, wait);
            return;
          }
          this.attempts.delete(`${batch.topic}:${batch.partition}`);
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
      if (kind === "unavailable") return "retry";
      const key = `${topic}:${partition}`;
      if ((this.attempts.get(key) ?? 0) + 1 >= this.opts.maxAttemptsOnBug) {
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
    try {
      await this.dlq.send({
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
      log().warn({ reason, detail }, "enrollment event dead-lettered");
      return "dead_lettered";
    } catch (e) {
      log().warn({ error: describeError(e) }, "dead-letter topic unavailable");
      return "retry";
    }
  }
}
