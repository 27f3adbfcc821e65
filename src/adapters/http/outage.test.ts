import { describe, expect, it } from "bun:test";
import { createLogger, withLogger } from "../../../lib/xlog/index.ts";
import { outages } from "./outage.ts";

const lines: Record<string, unknown>[] = [];
const capture = createLogger({
  level: "debug",
  destination: { write: (s: string) => lines.push(JSON.parse(s)) } as never,
});

describe("outages in the log", () => {
  it("one warning when requests start failing, one line with the count when one succeeds again", () => {
    withLogger(capture, () => {
      for (let i = 0; i < 50; i++) outages.failed("store_unavailable", { message: "down" });
      outages.succeeded();
      outages.succeeded();
    });
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, "unavailable: requests answered 503 until this is over"],
      [30, "unavailable no more: requests succeed again"],
    ]);
    expect(lines[1]).toMatchObject({ reason: "store_unavailable", failedRequests: 50 });
    expect(lines.some((l) => (l.level as number) >= 50)).toBe(false);
  });
});
