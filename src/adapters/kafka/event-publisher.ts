// Publishes outbox events to Kafka: key = course id (one partition, so one order per course),
// W3C traceparent in the headers, idempotent producer, acks from all in-sync replicas.
import type { Kafka, Producer } from "kafkajs";
import type { EventPublisher, OutboxEvent } from "../../app/outbox.ts";
import { AppError } from "../../../lib/xerrors/index.ts";
import { CLOUDEVENTS_CONTENT_TYPE, toCloudEvent } from "./cloudevents.ts";

export class KafkaEventPublisher implements EventPublisher {
  private readonly producer: Producer;
  private connected?: Promise<void>;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    private readonly source: string,
  ) {
    // Idempotent: the broker drops retried duplicates within a producer session.
    // Bounded retries (kafkajs warns this weakens EoS within one producer session): the relay must get
    // an error back while Kafka is down, to back off and report the backlog; it is at-least-once anyway.
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, retry: { retries: 3 } });
    this.producer.on(this.producer.events.DISCONNECT, () => (this.connected = undefined));
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
            headers: { "content-type": CLOUDEVENTS_CONTENT_TYPE, "ce-type": event.type, ...(e.traceparent ? { traceparent: e.traceparent } : {}) },
          };
        }),
      });
    } catch (e) {
      this.connected = undefined;
      throw AppError.unavailable("Kafka is unavailable.", { cause: e });
    }
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
