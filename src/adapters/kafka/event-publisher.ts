// Publishes outbox events to Kafka: key = course id (one partition, so one order per course),
// W3C traceparent in the headers, idempotent producer, acks from all in-sync replicas.
import type { Kafka, Producer } from "kafkajs";
import { EventRejectedError, type EventPublisher, type OutboxEvent } from "../../app/outbox.ts";
import { AppError } from "../../../lib/xerrors/index.ts";
import { CLOUDEVENTS_CONTENT_TYPE, toCloudEvent } from "./cloudevents.ts";

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
  ) {
    this.producer = this.newProducer();
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
    try {
      this.connected ??= this.producer.connect();
      await this.connected;
      await this.producer.send({
        topic: this.topic,
        acks: -1,
        messages: events.map((e) => {
          const event = toCloudEvent(e, this.source);
          return {
            key: e.courseId,
            value: JSON.stringify(event),
            headers: {
              "content-type": CLOUDEVENTS_CONTENT_TYPE,
              "ce-type": event.type,
              ...(e.traceparent ? { traceparent: e.traceparent } : {}),
            },
          };
        }),
      });
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
