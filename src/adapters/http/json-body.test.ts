import { describe, expect, it, spyOn } from "bun:test";
import { AppError } from "../../../lib/xerrors/index.ts";
import { jsonDepth, MAX_JSON_DEPTH, parseJsonBody } from "./json-body.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const refusal = (bytes: Uint8Array) => {
  try {
    parseJsonBody(bytes);
    return "accepted";
  } catch (e) {
    return e instanceof AppError ? { status: e.status, message: e.message, fields: e.fields } : `other: ${e}`;
  }
};

describe("parseJsonBody", () => {
  it("parses ordinary JSON", () => {
    expect(parseJsonBody(enc('{"title":"Ünïcode ok 🎓","tags":["a"]}'))).toEqual({
      title: "Ünïcode ok 🎓",
      tags: ["a"],
    });
  });

  it("refuses nesting deeper than the bound before parsing: the scan stops just past the bound, JSON.parse never runs", () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const parse = spyOn(JSON, "parse");
    try {
      expect(refusal(enc(deep))).toMatchObject({
        status: 400,
        message: `The request body nests deeper than ${MAX_JSON_DEPTH} levels.`,
      });
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
    // The depth scan gives up one level past the bound instead of walking 100,000 levels.
    expect(jsonDepth(deep, MAX_JSON_DEPTH)).toBe(MAX_JSON_DEPTH + 1);
    expect(refusal(enc(`${"[".repeat(MAX_JSON_DEPTH)}${"]".repeat(MAX_JSON_DEPTH)}`))).toBe("accepted");
  });

  it("counts only structure outside strings", () => {
    expect(jsonDepth('{"a":"[[[[{{{{\\"[[["}')).toBe(1);
    expect(jsonDepth('[{"a":[1,{"b":[]}]}]')).toBe(5);
  });

  it("refuses bytes that are not UTF-8 instead of storing U+FFFD", () => {
    expect(refusal(new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]))).toMatchObject({
      status: 400,
      message: "The request body is not valid UTF-8.",
    });
  });

  it("refuses NUL and lone surrogates in text, naming the field", () => {
    expect(refusal(enc('{"title":"a\\u0000b"}'))).toMatchObject({ status: 400, fields: [{ field: "/title" }] });
    expect(refusal(enc('{"tags":["ok","\\ud800"]}'))).toMatchObject({ fields: [{ field: "/tags/1" }] });
    expect(refusal(enc('{"x":{"\\udc00":1}}'))).toMatchObject({ fields: [{ field: "/x/\udc00" }] });
    expect(parseJsonBody(enc('{"emoji":"\\ud83c\\udf93"}'))).toEqual({ emoji: "🎓" });
  });

  it("refuses what is not JSON", () => {
    expect(refusal(enc("{nope"))).toMatchObject({ status: 400, message: "The request body is not valid JSON." });
  });
});
