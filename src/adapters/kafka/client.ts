// Kafka client from config, with kafkajs logging routed to xlog.
import { Kafka, logLevel, type Admin, type LogEntry } from "kafkajs";
import { log } from "../../../lib/xlog/index.ts";
import type { DependencyCheck } from "../../app/readiness.ts";

const LEVELS: Record<number, "error" | "warn" | "info" | "debug"> = {
  [logLevel.ERROR]: "error",
  [logLevel.WARN]: "warn",
  [logLevel.INFO]: "info",
  [logLevel.DEBUG]: "debug",
};

/** Retriable states a healthy cluster goes through (group and topic creation, rebalances, elections). */
const ROUTINE =
  /coordinator is loading|does not host this topic-partition|rebalanc|not the correct coordinator|leader not available|There is no leader|Restarting the consumer|The group is rebalancing/i;
/** A broker that cannot be reached: worth a warning, not a stack trace per retry. */
const UNREACHABLE =
  /Connection error|Failed to connect|ECONNREFUSED|Connection timeout|Closed connection|ENOTFOUND|EHOSTUNREACH/i;
/** A consumer crash: the enrollment consumer counts it, logs it once at warn and restarts it. */
const CRASH = /^Crash: /;
/** Said on every producer we make, on purpose (bounded retries: the relay must see failures). */
const EXPECTED = /Limiting retries for the idempotent producer/;
const REPEAT_MS = 30_000;

/**
 * kafkajs logs every reconnect attempt at ERROR with a stack: hundreds of lines per broker outage.
 * Here routine retriable states go to info, unreachable brokers to warn, stacks are dropped, and a
 * message repeated within 30 s is counted instead of written (the next one says how many).
 */
function kafkaLogCreator() {
  const last = new Map<string, { at: number; suppressed: number }>();
  return ({ namespace, level, log: entry }: LogEntry) => {
    const {
      message,
      timestamp: _ts,
      logger: _l,
      stack: _stack,
      retryCount: _rc,
      retryTime: _rt,
      ...rest
    } = entry as LogEntry["log"] & { stack?: string; retryCount?: number; retryTime?: number };
    let lvl = LEVELS[level] ?? "info";
    if (EXPECTED.test(message)) lvl = "debug";
    else if (ROUTINE.test(message) || ROUTINE.test(String(rest.error ?? ""))) lvl = "info";
    else if (UNREACHABLE.test(message) || UNREACHABLE.test(String(rest.error ?? "")) || CRASH.test(message))
      lvl = "warn";
    if (lvl === "warn" || lvl === "info") {
      const key = `${namespace}:${message.slice(0, 60)}`;
      const now = Date.now();
      const seen = last.get(key);
      if (seen && now - seen.at < REPEAT_MS) {
        seen.suppressed++;
        return;
      }
      last.set(key, { at: now, suppressed: 0 });
      if (seen?.suppressed) rest.repeatedSinceLast = seen.suppressed;
    }
    log()[lvl]({ component: "kafkajs", namespace, ...rest }, message);
  };
}

/** What the client needs of the configuration (config.ts's `kafka` section fits it); durations in ms. */
export interface KafkaSettings {
  clientId: string;
  brokers: string[];
  connectionTimeout: number;
  requestTimeout: number;
}

export function createKafka(cfg: KafkaSettings): Kafka {
  // kafkajs prints a partitioner warning on every producer otherwise.
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= "1";
  return new Kafka({
    clientId: cfg.clientId,
    brokers: cfg.brokers,
    connectionTimeout: cfg.connectionTimeout,
    requestTimeout: cfg.requestTimeout,
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator,
  });
}

/** Readiness through an admin client: connects lazily and asks the cluster who its brokers are. */
export function kafkaCheck(admin: Admin): DependencyCheck {
  let connected = false;
  return {
    name: "kafka",
    check: async () => {
      if (!connected) {
        await admin.connect();
        connected = true;
      }
      try {
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length === 0) throw new Error("no brokers in cluster metadata");
      } catch (e) {
        connected = false;
        await admin.disconnect().catch(() => {});
        throw e;
      }
    },
  };
}
