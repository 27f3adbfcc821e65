// Creates the topics the service owns when they are missing (idempotent).
import type { Admin } from "@platformatic/kafka";
import { brokerErrorIds } from "./client.ts";

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
}

/** Creates the missing topics of `specs`; resolves with their names (none when all exist). */
export async function ensureTopics(admin: Admin, specs: TopicSpec[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.topic));
  for (const s of missing) {
    try {
      await admin.createTopics({ topics: [s.topic], partitions: s.numPartitions, replicas: s.replicationFactor });
    } catch (e) {
      // Another instance created it in between: that is what we wanted.
      if (!brokerErrorIds(e).includes("TOPIC_ALREADY_EXISTS")) throw e;
    }
  }
  return missing.map((s) => s.topic);
}
