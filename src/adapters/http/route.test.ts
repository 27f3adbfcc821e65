import { describe, expect, it } from "bun:test";
import { pathOf } from "./route.ts";

describe("pathOf", () => {
  it("is the path Elysia routes on: no query, no normalisation", () => {
    expect(pathOf("http://127.0.0.1:8080/v1/courses?limit=5&q=a/b")).toBe("/v1/courses");
    expect(pathOf("http://h/healthz")).toBe("/healthz");
    expect(pathOf("https://api.example.org")).toBe("/");
    expect(pathOf("http://h/v1/courses/%2e%2e/x")).toBe("/v1/courses/%2e%2e/x");
    expect(pathOf("http://[::1]:8080/readyz?")).toBe("/readyz");
  });
});
