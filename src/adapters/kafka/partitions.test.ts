// A course's events must stay on one partition across the move from kafkajs: the producer's
// partitioner is held to the partitions kafkajs 2.2.4 gave these keys (testdata, written by
// kafkajs's own DefaultPartitioner while it was a dependency). Against the broker too:
// test/integration/outbox.test.ts.
import { describe, expect, it } from "bun:test";
import { compatibilityPartitioner } from "@platformatic/kafka";
import fixture from "./testdata/kafkajs-partitions.json";

describe("the producer's partitioner", () => {
  it("puts every key on the partition kafkajs put it on, for every partition count", () => {
    const moved: string[] = [];
    for (const [key, expected] of Object.entries(fixture.partitions))
      fixture.partitionCounts.forEach((n, i) => {
        // What the producer does: the partitioner's number, modulo the topic's partitions.
        const partition = compatibilityPartitioner(undefined as never, Buffer.from(key)) % n;
        if (partition !== expected[i])
          moved.push(`${JSON.stringify(key).slice(0, 40)} of ${n}: ${partition}, was ${expected[i]}`);
      });
    expect(moved).toEqual([]);
    expect(Object.keys(fixture.partitions).length).toBeGreaterThan(50);
  });
});
