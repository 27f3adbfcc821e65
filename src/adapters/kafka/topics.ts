// Creates the topics the service owns when they are missing (idempotent).
import type { Admin } from "kafkajs";

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
}

export async function ensureTopics(admin: Admin, specs: TopicSpec[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.topic));
  if (missing.length === 0) return [];
  await admin.createTopics({ topics: missing, waitForLeaders: true });
  return missing.map((s) => s.topic);
}
