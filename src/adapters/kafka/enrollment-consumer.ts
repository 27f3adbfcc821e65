// Consumes enrollment events (CloudEvents JSON) and applies them through the ledger.
// - A message that can never succeed (bad JSON, schema violation, unknown type or course) goes
//   to the dead-letter topic with headers saying why and where it came from.
// - A transient failure (store or broker down) is retried in place with backoff as long as it
//   lasts; an unexpected error is retried a few times (counted apart), then dead-lettered.
// - An offset is committed only after its message was applied or dead-lettered.
// - Messages of a partition this member no longer holds (fetched before a rebalance) are skipped:
//   the partition's new owner reads them from the committed offset.
// - A supervisor owns the message stream: when it fails (the broker was away longer than the
//   client's retries, or an error the client does not retry), it is counted, shown in readiness,
//   and the consumer is created again with backoff; a rebalance that ends the stream re-creates
//   it at once, without counting a crash. The client heartbeats by itself while a message waits.
import { Type as T } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Tracer } from "@opentelemetry/api";
import { Consumer, type Message, type MessagesStream, Producer } from "@platformatic/kafka";
import { describe as describeError, kindOf } from "../../../lib/xerrors/index.ts";
import { log, withLogFields } from "../../../lib/xlog/index.ts";
import type { Worker } from "../../../lib/xshutdown/index.ts";
import { ENROLLMENT_EVENT_TYPES, type ApplyOutcome, type EnrollmentEvent } from "../../app/enrollments.ts";
import { backoffMs } from "../../app/retry.ts";
import { baseOptions, brokerErrors, type KafkaSettings } from "./client.ts";
import { within } from "./timeout.ts";

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
export function parseEnrollmentMessage(value: Buffer | null | undefined): EnrollmentEvent {
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

/** How much the consumer fetches and holds: the client's defaults (50 MB a fetch) are set here. */
export interface FetchLimits {
  /** Bytes of one fetch response, all partitions together. */
  maxBytes: number;
  /** Bytes of one partition in a fetch response. */
  maxBytesPerPartition: number;
  /** Longest the broker holds a fetch that found nothing (ms). */
  maxWaitMs: number;
  /** Messages the stream holds ahead of the one being applied. */
  bufferedMessages: number;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = {
  maxBytes: 4 * 1024 * 1024,
  maxBytesPerPartition: 1024 * 1024,
  maxWaitMs: 1000,
  bufferedMessages: 256,
};

export interface EnrollmentConsumerOptions {
  topic: string;
  dlqTopic: string;
  groupId: string;
  partitionsConsumedConcurrently: number;
  retryBackoffInitialMs: number;
  retryBackoffMaxMs: number;
  maxAttemptsOnBug: number;
  /** Longest wait for a clean leave at shutdown (default 5 s). */
  disconnectTimeoutMs?: number;
  /** Where a group with no committed offset starts: its topic's beginning, or its end (default). */
  fromBeginning?: boolean;
  /** Messages behind the end of each partition this member holds, every `lagIntervalMs`. */
  onLag?: (topic: string, partition: number, lag: number) => void;
  lagIntervalMs?: number;
  /** Longest a dead-letter send may take (default 30 s); past it the message is retried. */
  dlqTimeoutMs?: number;
  /**
   * "message": each commit is awaited before the next message is applied. "batch" (default): the
   * commit is queued after the apply and the client sends what queued up while the previous
   * commit was in flight as one request (still after apply; a redelivery is caught by the ledger).
   */
  commit?: "message" | "batch";
  fetch?: Partial<FetchLimits>;
  /** The group's session timeout (default 30 s): a member silent for longer loses its partitions. */
  sessionTimeoutMs?: number;
  /** Called on each crash (the stream failed), before the restart is scheduled. */
  onCrash?: (error: unknown) => void;
  /** Called for each fetched message skipped because its partition went to another member. */
  onSkipped?: () => void;
}

/** What readiness shows of the consumer. */
export type ConsumerState = "starting" | "running" | "crashed" | "stopped";

export type MessageOutcome = ApplyOutcome | "dead_lettered" | "retry";

type EnrollmentMessage = Message<Buffer, Buffer, Buffer, Buffer>;

export class EnrollmentConsumer {
  private consumer: Consumer<Buffer, Buffer, Buffer, Buffer> | undefined;
  private stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  private readonly dlq: Producer<Buffer, Buffer, Buffer, Buffer>;
  /** Retries in a row of the message at the head of each partition, whatever the cause (backoff). */
  private readonly attempts = new Map<string, number>();
  /** Unexpected errors in a row of the message at the head of each partition (dead-lettering). */
  private readonly failures = new Map<string, number>();
  private current: ConsumerState = "starting";
  private crashesInARow = 0;
  private stopping = false;
  private supervisor: Promise<void> | undefined;
  /** Ends the supervisor's backoff wait early (at stop). */
  private wake: () => void = () => {};
  private readonly limits: FetchLimits;
  /** Commits queued and not yet answered (awaited before a stream is given up). */
  private readonly commits = new Set<Promise<void>>();

  constructor(
    private readonly settings: KafkaSettings,
    private readonly opts: EnrollmentConsumerOptions,
    private readonly apply: (e: EnrollmentEvent) => Promise<ApplyOutcome>,
    private readonly observe: (outcome: MessageOutcome) => void = () => {},
    private readonly tracer: Tracer = trace.getTracer("courses"),
  ) {
    this.limits = { ...DEFAULT_FETCH_LIMITS, ...opts.fetch };
    this.dlq = new Producer({
      ...baseOptions(settings, "enrollments-dlq"),
      idempotent: true,
      // With an idempotent producer the client turns 0 or 1 retries into unbounded ones: keep 3.
      retries: 3,
    });
  }

  /** The consumer's state, for readiness: not ready while crashed (until the restart runs). */
  get state(): ConsumerState {
    return this.current;
  }

  /**
   * Whether the consumer is consuming, and why not: the supervisor's state, the stream (alive), and
   * the group (joined; the detail names the partitions it holds). For readiness.
   */
  health(): { ok: boolean; detail: string } {
    const stream = this.stream;
    const consumer = this.consumer;
    if (this.current !== "running") return { ok: false, detail: `enrollment consumer ${this.current}` };
    if (!stream || stream.destroyed || stream.closed) return { ok: false, detail: "enrollment stream is not open" };
    if (!consumer?.isActive() || consumer.assignments === null)
      return { ok: false, detail: "enrollment consumer has not joined its group" };
    const held = consumer.assignments.reduce((n, a) => n + a.partitions.length, 0);
    return { ok: true, detail: `holds ${held} partition(s) of ${this.opts.topic}` };
  }

  /**
   * Starts the supervisor; resolves once the first stream is open (or the worker was told to stop).
   * The supervisor runs until the worker is told to stop; then the message in hand is finished,
   * its offset committed, and the group left (bounded by disconnectTimeoutMs).
   */
  async run(worker: Worker): Promise<void> {
    if (this.supervisor) throw new Error("the enrollment consumer is already running");
    const started = Promise.withResolvers<void>();
    const stop = () => {
      this.stopping = true;
      this.current = "stopped";
      this.wake();
      started.resolve();
      const bound = this.opts.disconnectTimeoutMs ?? 5000;
      void Promise.race([
        this.leave(),
        Bun.sleep(bound).then(() => {
          throw new Error(`no clean leave within ${bound}ms`);
        }),
      ])
        .catch((e) =>
          log().warn(
            { error: describeError(e) },
            "enrollment consumer did not leave its group cleanly; uncommitted messages will be redelivered",
          ),
        )
        .finally(() => worker.drained());
    };
    if (worker.signal.aborted) stop();
    else worker.signal.addEventListener("abort", stop, { once: true });
    this.supervisor = this.supervise(() => started.resolve());
    await started.promise;
  }

  /** Ends the stream (after the message in hand), lets the supervisor finish, leaves the group. */
  private async leave(): Promise<void> {
    await this.stream?.close().catch(() => {});
    await this.supervisor;
    await this.consumer?.close().catch(() => this.consumer?.close(true));
    await this.dlq.close();
  }

  private newConsumer(): Consumer<Buffer, Buffer, Buffer, Buffer> {
    const consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({
      ...baseOptions(this.settings, "enrollments"),
      groupId: this.opts.groupId,
      sessionTimeout: this.opts.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: Math.min(3000, Math.floor((this.opts.sessionTimeoutMs ?? 30_000) / 3)),
      rebalanceTimeout: Math.max(60_000, this.opts.sessionTimeoutMs ?? 30_000),
    });
    // The client re-joins the group by itself when a heartbeat says so; when that fails it emits
    // "error" on the consumer — with no listener, an uncaught exception that ended the process
    // (seen in the chaos soak after a broker restart with two members). The member is out of its
    // group then: the stream is failed, and the supervisor starts a new client with backoff.
    consumer.on("error", (error: unknown) => {
      if (consumer !== this.consumer || this.stopping) return;
      this.stream?.destroy(error instanceof Error ? error : new Error(String(error)));
    });
    if (this.opts.onLag) {
      const onLag = this.opts.onLag;
      consumer.on("consumer:lag", (lag) => {
        for (const [topic, partitions] of lag)
          partitions.forEach((l, partition) => {
            if (l >= 0n) onLag(topic, partition, Number(l));
          });
      });
      consumer.on("consumer:lag:error", () => {});
      consumer.startLagMonitoring({ topics: [this.opts.topic] }, this.opts.lagIntervalMs ?? 5000);
    }
    return consumer;
  }

  /** Opens a stream, drains it, and opens another when it fails, until the consumer is stopped. */
  private async supervise(started: () => void): Promise<void> {
    // The client is built on a later turn of the event loop, not inside the caller's start-up:
    // constructing it compiles its option schemas (about 0.1 s), which would hold the HTTP
    // listener's first answers back (docs/PERFORMANCE.md, "Measured decisions").
    await Bun.sleep(0);
    while (!this.stopping) {
      try {
        this.consumer ??= this.newConsumer();
        const stream = await this.consumer.consume({
          topics: [this.opts.topic],
          autocommit: false,
          mode: "committed",
          fallbackMode: this.opts.fromBeginning ? "earliest" : "latest",
          maxBytes: this.limits.maxBytes,
          maxBytesPerPartition: this.limits.maxBytesPerPartition,
          maxWaitTime: this.limits.maxWaitMs,
          highWaterMark: this.limits.bufferedMessages,
        });
        this.stream = stream;
        // The drain's loop reports the stream's error while it reads; one emitted after the loop
        // let go of the stream (a fetch answered late) must not become an uncaught exception.
        stream.on("error", () => {});
        if (this.stopping) {
          await stream.close().catch(() => {});
          break;
        }
        if (this.current === "crashed")
          log().info({ crashes: this.crashesInARow }, "enrollment consumer running again after a crash");
        this.current = "running";
        this.crashesInARow = 0;
        started();
        await this.drain(stream);
        if (this.stopping) break;
        throw new Error("the message stream ended by itself");
      } catch (e) {
        if (this.stopping) break;
        // "The group moved on" (the client's own needsRejoin: a new generation, an unknown member…).
        const rejoin = brokerErrors(e).find((b) => b.needsRejoin);
        if (rejoin && this.current === "running") {
          // The group rebalanced under a commit: a new stream on the same member, at once.
          log().info({ reason: rejoin.apiId }, "enrollment consumer rejoining its group");
          await this.stream?.close().catch(() => {});
          continue;
        }
        await this.crashed(e);
      }
    }
    this.current = "stopped";
  }

  /** Counts a crash, drops the client (a new one joins afresh), and waits its backoff. */
  private async crashed(error: unknown): Promise<void> {
    this.current = "crashed";
    this.crashesInARow++;
    this.opts.onCrash?.(error);
    const wait = backoffMs(this.crashesInARow, this.opts.retryBackoffInitialMs, this.opts.retryBackoffMaxMs);
    log().warn(
      { error: describeError(error), crashes: this.crashesInARow, restartInMs: wait },
      "enrollment consumer crashed; restarting",
    );
    const old = this.consumer;
    this.consumer = undefined;
    await this.stream?.close().catch(() => {});
    // A member that cannot say goodbye (the broker is away) is dropped: the group forgets it at
    // its session timeout, and its partitions go to whoever is there.
    await old?.close(true).catch(() => {});
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, wait);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /**
   * Applies the stream's messages: one partition's in its order, up to partitionsConsumedConcurrently
   * partitions at a time. Rejects with the stream's error, or with a failure of our own (an
   * observer that threw): the supervisor then starts again from the committed offsets.
   */
  private async drain(stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>): Promise<void> {
    const lanes = new Map<number, Promise<void>>();
    const limit = Math.max(1, this.opts.partitionsConsumedConcurrently);
    let inHand = 0;
    let freed = Promise.withResolvers<void>();
    let failure: { error: unknown } | undefined;
    try {
      // Ends when the stream is closed (at stop: the messages it still buffers pass through and
      // are left alone) or fails (the loop throws its error).
      for await (const message of stream) {
        inHand++;
        const lane = (lanes.get(message.partition) ?? Promise.resolve())
          .then(() => (failure ? undefined : this.process(stream, message)))
          .catch((error: unknown) => {
            failure ??= { error };
            stream.destroy(error instanceof Error ? error : new Error(String(error)));
          })
          .finally(() => {
            inHand--;
            freed.resolve();
          });
        lanes.set(message.partition, lane);
        while (inHand >= limit && !failure) {
          await freed.promise;
          freed = Promise.withResolvers<void>();
        }
        if (failure) break;
      }
    } finally {
      // The messages in hand finish (one apply at most: a waiting one sees the stream gone).
      await Promise.all(lanes.values());
      // Bounded: a stream that failed may never answer the commits it had queued.
      await Promise.race([Promise.all(this.commits), Bun.sleep(this.settings.requestTimeout)]);
    }
    if (failure) throw failure.error;
  }

  /** True while this member holds the message's partition. */
  private holds(message: EnrollmentMessage): boolean {
    const held = this.consumer?.assignments;
    return !!held?.some((a) => a.topic === message.topic && a.partitions.includes(message.partition));
  }

  /** Applies one message (retrying in place while that is worth it), then commits its offset. */
  private async process(
    stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>,
    message: EnrollmentMessage,
  ): Promise<void> {
    const where = { topic: message.topic, partition: message.partition, offset: String(message.offset) };
    const key = `${message.topic}:${message.partition}`;
    for (;;) {
      if (this.stopping || stream.destroyed) return;
      if (!this.holds(message)) {
        this.opts.onSkipped?.();
        log().debug(where, "enrollment event skipped: its partition went to another member");
        this.attempts.delete(key);
        this.failures.delete(key);
        return;
      }
      const outcome = await this.traced(message, () => withLogFields(where, () => this.handle(message)));
      this.observe(outcome);
      if (outcome !== "retry") break;
      const n = (this.attempts.get(key) ?? 0) + 1;
      this.attempts.set(key, n);
      const wait = backoffMs(n, this.opts.retryBackoffInitialMs, this.opts.retryBackoffMaxMs);
      // One warning when a partition starts waiting, not one per attempt of a long outage.
      if (n === 1) log().warn({ ...where, retryInMs: wait }, "enrollment event not processed; retrying with backoff");
      else log().debug({ ...where, attempt: n, retryInMs: wait }, "enrollment event not processed; retrying");
      await this.pause(wait);
    }
    const waited = this.attempts.get(key);
    if (waited) log().info({ ...where, attempts: waited + 1 }, "enrollment event processed after retries");
    this.attempts.delete(key);
    this.failures.delete(key);
    const commit = Promise.resolve(message.commit())
      .catch((e) =>
        // Not committed (a rebalance, the broker away): the message comes again, and the ledger
        // recognises it. A rebalance also ends the stream, and the supervisor opens a new one.
        log().info({ ...where, error: describeError(e) }, "enrollment offset not committed; it will be redelivered"),
      )
      .finally(() => this.commits.delete(commit));
    this.commits.add(commit);
    if ((this.opts.commit ?? "batch") === "message") await commit;
  }

  /** Waits `ms` in slices of at most a second, ending early when stopping. */
  private async pause(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until && !this.stopping) await Bun.sleep(Math.min(1000, until - Date.now()));
  }

  /** A CONSUMER span per message, continuing the producer's trace from its traceparent header. */
  private traced(message: EnrollmentMessage, fn: () => Promise<MessageOutcome>): Promise<MessageOutcome> {
    const carrier: Record<string, string> = {};
    for (const [k, v] of message.headers) carrier[String(k)] = String(v);
    const parent = propagation.extract(ROOT_CONTEXT, carrier);
    const span = this.tracer.startSpan(
      `${message.topic} process`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          "messaging.system": "kafka",
          "messaging.operation.type": "process",
          "messaging.destination.name": message.topic,
          "messaging.destination.partition.id": String(message.partition),
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

  private async handle(message: EnrollmentMessage): Promise<MessageOutcome> {
    let event: EnrollmentEvent;
    try {
      event = parseEnrollmentMessage(message.value);
    } catch (e) {
      if (e instanceof PermanentFailure) return this.deadLetter(message, e.reason, e.message);
      throw e;
    }
    try {
      const outcome = await this.apply(event);
      log().debug({ eventId: event.id, courseId: event.courseId, outcome }, "enrollment event processed");
      return outcome;
    } catch (e) {
      const kind = kindOf(e);
      if (kind === "not_found") return this.deadLetter(message, "unknown_course", `no course ${event.courseId}`);
      if (kind === "invalid_argument") return this.deadLetter(message, "invalid_event", describeError(e));
      // A dependency outage: wait as long as it lasts; it never counts towards dead-lettering.
      if (kind === "unavailable") return "retry";
      const key = `${message.topic}:${message.partition}`;
      const failures = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, failures);
      if (failures >= this.opts.maxAttemptsOnBug) {
        log().error(
          { error: describeError(e), eventId: event.id },
          "enrollment event failed repeatedly; dead-lettering it",
        );
        return this.deadLetter(message, "processing_failed", "processing failed repeatedly; see the service logs");
      }
      log().error({ error: describeError(e), eventId: event.id }, "enrollment event failed unexpectedly; will retry");
      return "retry";
    }
  }

  private async deadLetter(message: EnrollmentMessage, reason: string, detail: string): Promise<MessageOutcome> {
    const headers = new Map<Buffer, Buffer>(message.headers);
    const add = (k: string, v: string) => headers.set(Buffer.from(k), Buffer.from(v));
    add("dlq-reason", reason);
    add("dlq-detail", detail);
    add("dlq-original-topic", message.topic);
    add("dlq-original-partition", String(message.partition));
    add("dlq-original-offset", String(message.offset));
    add("dlq-consumer-group", this.opts.groupId);
    add("dlq-failed-at", new Date().toISOString());
    try {
      await within(
        this.dlq.send({
          messages: [{ topic: this.opts.dlqTopic, key: message.key, value: message.value, headers }],
        }),
        this.opts.dlqTimeoutMs ?? 30_000,
        "dead-letter",
      );
      log().warn({ reason, detail }, "enrollment event dead-lettered");
      return "dead_lettered";
    } catch (e) {
      log().warn({ error: describeError(e) }, "dead-letter topic unavailable");
      return "retry";
    }
  }
}
