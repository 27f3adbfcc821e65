import { describe, expect, it } from "bun:test";
import { etagOf, expectedState, notModified } from "./conditional.ts";

describe("ETags", () => {
  it("cover the version and the enrollment count", () => {
    expect(etagOf(3, 0)).toBe('"3"');
    expect(etagOf(3, 17)).toBe('"3.17"');
  });

  it("If-Match is compared strongly: a weak validator never matches (RFC 9110)", () => {
    expect(expectedState('W/"3"')).toHaveProperty("nothing");
    expect(expectedState('W/"3.17"')).toHaveProperty("nothing");
    expect(expectedState('"3"')).toEqual({ version: 3, enrollmentCount: 0 });
    expect(expectedState('"3.17"')).toEqual({ version: 3, enrollmentCount: 17 });
    expect(expectedState("*")).toBeUndefined();
    expect(expectedState('"3", "4"')).toHaveProperty("nothing");
    expect(expectedState('"x"')).toHaveProperty("nothing");
  });

  it("If-None-Match answers 304 only when the count is the client's too (weak comparison)", () => {
    expect(notModified('"3"', 3, 0)).toBe(true);
    expect(notModified('W/"3"', 3, 0)).toBe(true);
    // The count changed without a new version: the client's copy is stale.
    expect(notModified('"3"', 3, 1)).toBe(false);
    expect(notModified('"3.1"', 3, 1)).toBe(true);
    expect(notModified('"2", "3.1"', 3, 1)).toBe(true);
  });
});
