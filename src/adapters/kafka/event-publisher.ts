// Publishes outbox events to Kafka: key = course id (one partition, so one order per course),
// W3C traceparent in the headers, idempotent producer, acks from all in-sync replicas.
import {
  propagation,
  ROOT_CONTEXT,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import type { Kafka, Producer } from "kafkajs";
import { EventRejectedError, type EventPublisher, type OutboxEvent } from "../../app/outbox.ts";
import { AppError } from "../../../lib/xerrors/index.ts";
import { CLOUDEVENTS_CONTENT_TYPE, toCloudEvent } from "./cloudevents.ts";
import { KafkaTimeout, within } from "./timeout.ts";

/** Broker errors about the records themselves: retrying the same event can never succeed. */
const REJECTIONS = new Set([
  "MESSAGE_TOO_LARGE",
  "RECORD_LIST_TOO_LARGE",
  "INVALID_RECORD",
  "CORRUPT_MESSAGE",
  "INVALID_TIMESTAMP",
  "INVALID_REQUIRED_ACKS",
]);

/** Errors after which the idempotent producer's sequence numbers no longer match the broker's. */
const SESSION_BROKEN = new Set([
  "OUT_OF_ORDER_SEQUENCE_NUMBER",
  "DUPLICATE_SEQUENCE_NUMBER",
  "UNKNOWN_PRODUCER_ID",
  "INVALID_PRODUCER_EPOCH",
]);

/** The broker's error types (e.g. MESSAGE_TOO_LARGE) along kafkajs's cause chain. */
function errorTypes(e: unknown): string[] {
  const types: string[] = [];
  for (
    let cur = e as { type?: unknown; cause?: unknown; originalError?: unknown } | undefined, depth = 0;
    cur && depth < 8;
    depth++
  ) {
    if (typeof cur.type === "string") types.push(cur.type);
    cur = (cur.cause ?? cur.originalError) as typeof cur;
  }
  return types;
}

export class KafkaEventPublisher implements EventPublisher {
  private producer: Producer;
  private connected?: Promise<void>;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly source: string,
    private readonly tracer: Tracer = trace.getTracer("courses"),
    /**
     * Longest a publish may take, connecting included. Past it the producer is abandoned for a
     * new one and the relay backs off: after a broker restart a kafkajs send was seen hanging for
     * minutes while the relay kept renewing its lease (found by `bun run chaos`).
     */
    private readonly timeoutMs = 30_000,
  ) {
    this.producer = this.newProducer();
  }

  /** The message's create span (ended at once) and the headers that carry its context. */
  private createSpan(e: OutboxEvent): { context: SpanContext; headers: Record<string, string> } {
    const parent = e.traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent: e.traceparent }) : ROOT_CONTEXT;
    const span = this.tracer.startSpan(
      `create ${this.topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          "messaging.system": "kafka",
          "messaging.operation.type": "create",
          "messaging.destination.name": this.topic,
          "messaging.message.id": e.id,
          "messaging.kafka.message.key": e.courseId,
        },
      },
      parent,
    );
    span.end();
    const headers: Record<string, string> = {};
    propagation.inject(trace.setSpan(parent, span), headers);
    // Unsampled: keep the recorded traceparent, so a sampled consumer can still join the trace.
    if (!headers.traceparent && e.traceparent) headers.traceparent = e.traceparent;
    return { context: span.spanContext(), headers };
  }

  /**
   * Idempotent: the broker drops retried duplicates within a producer session. Bounded retries
   * (kafkajs warns this weakens EoS within one producer session): the relay must get an error
   * back while Kafka is down, to back off and report the backlog; it is at-least-once anyway.
   */
  private newProducer(): Producer {
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: { retries: 3 },
    });
    producer.on(producer.events.DISCONNECT, () => {
      if (this.producer === producer) this.connected = undefined;
    });
    return producer;
  }

  async publish(events: OutboxEvent[]): Promise<void> {
    if (events.length === 0) return;
    const producer = this.producer;
    try {
      await within(this.send(events), this.timeoutMs, "publish");
    } catch (e) {
      if (!(e instanceof KafkaTimeout)) throw e;
      // Whatever the old producer still does (it may deliver later: at-least-once), the next
      // publish goes through a new one.
      if (this.producer === producer) void this.restartSession();
      throw AppError.unavailable("Kafka is unavailable.", { cause: e });
    }
  }

  private async send(events: OutboxEvent[]): Promise<void> {
    try {
      this.connected ??= this.producer.connect();
      await this.connected;
      // OpenTelemetry messaging: a "create" span per message, child of the span that recorded the
      // event (so the request's trace goes on into Kafka), whose context travels as traceparent;
      // one "send" span for the batch, linked to every message's.
      const created = events.map((e) => this.createSpan(e));
      const send = this.tracer.startSpan(`send ${this.topic}`, {
        kind: SpanKind.PRODUCER,
        root: true,
        links: created.map((c) => ({ context: c.context })),
        attributes: {
          "messaging.system": "kafka",
          "messaging.operation.type": "send",
          "messaging.destination.name": this.topic,
          "messaging.batch.message_count": events.length,
        },
      });
      try {
        await this.producer.send({
          topic: this.topic,
          acks: -1,
          messages: events.map((e, i) => {
            const event = toCloudEvent(e, this.source);
            return {
              key: e.courseId,
              value: JSON.stringify(event),
              headers: {
                "content-type": CLOUDEVENTS_CONTENT_TYPE,
                "ce-type": event.type,
                ...created[i]!.headers,
              },
            };
          }),
        });
      } catch (e) {
        send.setStatus({ code: SpanStatusCode.ERROR, message: errorTypes(e)[0] ?? "send failed" });
        throw e;
      } finally {
        send.end();
      }
    } catch (e) {
      const types = errorTypes(e);
      const rejected = types.find((t) => REJECTIONS.has(t));
      // kafkajs has counted the refused batch's sequence numbers: the next send would be out
      // of order. A new producer (a new producer id) starts a clean session.
      if (rejected || types.some((t) => SESSION_BROKEN.has(t))) await this.restartSession();
      if (rejected) throw new EventRejectedError(rejected, { cause: e });
      this.connected = undefined;
      throw AppError.unavailable("Kafka is unavailable.", { cause: e });
    }
  }

  private async restartSession(): Promise<void> {
    const old = this.producer;
    this.producer = this.newProducer();
    this.connected = undefined;
    await old.disconnect().catch(() => {});
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
