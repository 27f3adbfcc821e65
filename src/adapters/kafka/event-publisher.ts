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
import { compatibilityPartitioner, Producer, stringSerializers } from "@platformatic/kafka";
import { EventRejectedError, type EventPublisher, type OutboxEvent } from "../../app/outbox.ts";
import { AppError } from "../../../lib/xerrors/index.ts";
import { baseOptions, brokerErrorIds, type KafkaSettings } from "./client.ts";
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

/**
 * The producer of course events: idempotent (acks from all in-sync replicas, one request in
 * flight, the broker drops retried duplicates within the session), with bounded retries — the
 * relay must get an error back while Kafka is down, to back off and report the backlog (it is
 * at-least-once anyway). Keys go to the partition kafkajs, and Java clients, put them on
 * (`compatibilityPartitioner`: murmur2 of the key, positive, modulo the partitions), so a
 * course's events keep one partition, and one order, across the client change.
 */
export function createEventProducer(
  settings: KafkaSettings,
  role = "events",
): Producer<string, string, string, string> {
  return new Producer({
    ...baseOptions(settings, role),
    idempotent: true,
    // With an idempotent producer the client turns 0 or 1 retries into unbounded ones: keep 3.
    retries: 3,
    partitioner: compatibilityPartitioner,
    serializers: stringSerializers,
  });
}

export class KafkaEventPublisher implements EventPublisher {
  private readonly producer: Producer<string, string, string, string>;

  constructor(
    settings: KafkaSettings,
    private readonly topic: string,
    private readonly source: string,
    private readonly tracer: Tracer = trace.getTracer("courses"),
    /** Longest a publish may take, connecting and the client's own retries included. */
    private readonly timeoutMs = 30_000,
  ) {
    this.producer = createEventProducer(settings);
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

  async publish(events: OutboxEvent[]): Promise<void> {
    if (events.length === 0) return;
    try {
      await within(this.send(events), this.timeoutMs, "publish");
    } catch (e) {
      if (e instanceof KafkaTimeout) throw AppError.unavailable("Kafka is unavailable.", { cause: e });
      throw e;
    }
  }

  private async send(events: OutboxEvent[]): Promise<void> {
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
        messages: events.map((e, i) => {
          const event = toCloudEvent(e, this.source);
          return {
            topic: this.topic,
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
      const ids = brokerErrorIds(e);
      send.setStatus({ code: SpanStatusCode.ERROR, message: ids[0] ?? "send failed" });
      // A refusal of the records themselves is final for them; the producer stays usable (its
      // sequence numbers follow what each partition accepted).
      const rejected = ids.find((id) => REJECTIONS.has(id));
      if (rejected) throw new EventRejectedError(rejected, { cause: e });
      throw AppError.unavailable("Kafka is unavailable.", { cause: e });
    } finally {
      send.end();
    }
  }

  async close(): Promise<void> {
    await this.producer.close();
  }
}
