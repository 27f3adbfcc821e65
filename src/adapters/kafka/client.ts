// The Kafka client settings the adapters share, the admin client and the readiness check.
// The client is @platformatic/kafka (pure TypeScript, maintained; kafkajs was abandoned in 2023):
// it logs nothing by itself, so there is no log taming here; what the service says about Kafka
// it says itself, once per state change.
import { Admin, type BaseOptions } from "@platformatic/kafka";
import type { DependencyCheck } from "../../app/readiness.ts";

/** What the client needs of the configuration (config.ts's `kafka` section fits it); durations in ms. */
export interface KafkaSettings {
  clientId: string;
  brokers: string[];
  connectionTimeout: number;
  requestTimeout: number;
}

/**
 * The options every client of the service starts from: its id (with a role suffix, so the broker's
 * logs and quotas tell them apart), the brokers, and bounded connects and requests. `retries` is
 * the client's own retries of one operation; the adapters add their own supervision above it.
 */
export function baseOptions(settings: KafkaSettings, role: string): BaseOptions {
  return {
    clientId: `${settings.clientId}-${role}`,
    bootstrapBrokers: settings.brokers,
    connectTimeout: settings.connectionTimeout,
    timeout: settings.requestTimeout,
    retries: 3,
    retryDelay: 250,
    autocreateTopics: false,
  };
}

export function createAdmin(settings: KafkaSettings): Admin {
  return new Admin(baseOptions(settings, "admin"));
}

/** A broker error as the client reports it: its id (e.g. MESSAGE_TOO_LARGE) and whether it asks the member to re-join its group. */
export interface BrokerError {
  apiId: string;
  needsRejoin: boolean;
}

/** The broker errors anywhere in the client's error tree (MultipleErrors → ResponseError → ProtocolError). */
export function brokerErrors(e: unknown): BrokerError[] {
  const found: BrokerError[] = [];
  const walk = (cur: unknown, depth: number) => {
    if (!cur || typeof cur !== "object" || depth > 8) return;
    const x = cur as { apiId?: unknown; needsRejoin?: unknown; errors?: unknown[]; cause?: unknown };
    if (typeof x.apiId === "string") found.push({ apiId: x.apiId, needsRejoin: x.needsRejoin === true });
    for (const inner of x.errors ?? []) walk(inner, depth + 1);
    walk(x.cause, depth + 1);
  };
  walk(e, 0);
  return found;
}

/** The ids of brokerErrors(e). */
export const brokerErrorIds = (e: unknown): string[] => brokerErrors(e).map((b) => b.apiId);

/** Readiness: the cluster's metadata, fetched now (never from the client's cache). */
export function kafkaCheck(admin: Admin): DependencyCheck {
  return {
    name: "kafka",
    check: async () => {
      const cluster = await admin.metadata({ topics: [], forceUpdate: true });
      if (cluster.brokers.size === 0) throw new Error("no brokers in cluster metadata");
    },
  };
}
