import { describe, expect, it } from "bun:test";
import { canonicalJson, sortKeys } from "./index.ts";

describe("canonical JSON", () => {
  it("is the same text whatever the key order, at every depth; arrays keep their order", () => {
    const a = { b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } };
    const b = { a: { c: null, d: [3, { y: 2, z: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ d: [1, 2] })).not.toBe(canonicalJson({ d: [2, 1] }));
  });
  it("keeps the text earlier versions fingerprinted request bodies with (stored Idempotency-Keys still match)", () => {
    // The fingerprint's serialisation before this helper (src/adapters/http/idempotency.ts, 2026-12).
    const before = (v: unknown): string => {
      if (Array.isArray(v)) return `[${v.map(before).join(",")}]`;
      if (v && typeof v === "object")
        return `{${Object.keys(v)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${before((v as Record<string, unknown>)[k])}`)
          .join(",")}}`;
      return JSON.stringify(v) ?? "null";
    };
    const bodies = [
      '{"title":"Ünïcode \\u2028 \\ud83d\\ude00","price":{"currency":"EUR","amount":4900},"tags":[],"x":1e21,"y":-0.5}',
      '{"b":null,"a":[{"z":true,"y":false},[],{}],"":"empty key","\\"":"quote"}',
      "[1,2,3]",
      '"text"',
      "null",
    ];
    for (const text of bodies) expect(canonicalJson(JSON.parse(text))).toBe(before(JSON.parse(text)));
    expect(Object.keys(sortKeys({ b: 1, a: 2 }))).toEqual(["a", "b"]);
  });
});
