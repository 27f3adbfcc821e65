// A 2-minute chaos soak in the suite (`bun run chaos` runs it for 10 minutes by default): two
// replicas of the compiled binary under writers, readers and enrollment events, while every kind
// of fault strikes — a replica killed, a replica stopped, Kafka stopped, the store stopped — and
// afterwards nothing acknowledged is missing (scripts/chaos.ts says what is checked). The stack's
// Kafka and store are stopped and started again: no other test runs meanwhile (files run one by one).
import { describe, expect, it } from "bun:test";
import { formatReport, runChaos } from "../../scripts/chaos.ts";

describe("chaos", () => {
  it("loses nothing acknowledged while replicas, Kafka and the store fail in turn", async () => {
    const report = await runChaos({ minutes: 2, gapMs: [6_000, 12_000] });
    console.error(formatReport(report));
    const faults = String(report.rows.find(([k]) => k === "faults")?.[1]);
    for (const kind of ["kill replica", "stop replica", "stop kafka", "stop store"]) expect(faults).toContain(kind);
    expect(report.lost).toEqual([]);
  }, 600_000);
});
