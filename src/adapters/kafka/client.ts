// Kafka client from config, with kafkajs logging routed to xlog.
import { Kafka, logLevel, type Admin, type LogEntry } from "kafkajs";
import { log } from "../../../lib/xlog/index.ts";
import type { DependencyCheck } from "../../app/readiness.ts";
import type { Config } from "../../config.ts";

const LEVELS: Record<number, "error" | "warn" | "info" | "debug"> = {
  [logLevel.ERROR]: "error",
  [logLevel.WARN]: "warn",
  [logLevel.INFO]: "info",
  [logLevel.DEBUG]: "debug",
};

function kafkaLogCreator() {
  return ({ namespace, level, log: entry }: LogEntry) => {
    const { message, timestamp: _ts, logger: _l, ...rest } = entry;
    log()[LEVELS[level] ?? "info"]({ component: "kafkajs", namespace, ...rest }, message);
  };
}

export function createKafka(cfg: Config["kafka"]): Kafka {
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
