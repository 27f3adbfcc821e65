import { describe, expect, it } from "bun:test";
import { MongoNetworkError, MongoServerError } from "mongodb";
import { kindOf } from "../../../lib/xerrors/index.ts";
import { storeError } from "./store-error.ts";

const server = (code: number, codeName: string, labels: string[] = []) =>
  new MongoServerError({ ok: 0, code, codeName, errmsg: `${codeName} (test)`, errorLabels: labels });

describe("storeError", () => {
  it.each([
    ["NotWritablePrimary", server(10107, "NotWritablePrimary")],
    ["PrimarySteppedDown", server(189, "PrimarySteppedDown")],
    ["InterruptedAtShutdown", server(11600, "InterruptedAtShutdown")],
    ["InterruptedDueToReplStateChange", server(11602, "InterruptedDueToReplStateChange")],
    ["WriteConcernFailed with a retryable label", server(64, "WriteConcernFailed", ["RetryableWriteError"])],
    ["a network error", new MongoNetworkError("connection reset")],
  ])("%s: unavailable (503, the consumer waits), never internal", (_name, e) => {
    const mapped = storeError(e, "test");
    expect(kindOf(mapped)).toBe("unavailable");
    expect((mapped as { code?: string }).code).toBe("store_unavailable");
  });

  it.each([
    ["BadValue", server(2, "BadValue")],
    ["WriteConcernFailed without a label", server(64, "WriteConcernFailed")],
    ["a plain error", new Error("bug")],
  ])("%s: internal", (_name, e) => {
    expect(kindOf(storeError(e, "test"))).toBe("internal");
  });
});
