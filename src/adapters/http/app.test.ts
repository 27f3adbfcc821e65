// The HTTP app in-process, with in-memory dependency checks behind the readiness port.
import { describe, expect, it } from "bun:test";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { captureLogs } from "../../../lib/xlog/index.ts";
import type { Claim } from "../../app/idempotency.ts";
import { checkReadiness, type DependencyCheck } from "../../app/readiness.ts";
import { createMetrics } from "../telemetry/metrics.ts";
import { createHttpApp } from "./app.ts";
import { createRequestHandler, livenessRoute, startHttpServer } from "./server.ts";
import { InMemoryCourseRepository } from "../../../test/support/in-memory-courses.ts";

function handlerWith(
  checks: DependencyCheck[],
  accepting = true,
  repo = new InMemoryCourseRepository(),
  claim: () => Promise<Claim> = async () => ({ state: "new", token: 1 }),
) {
  const metrics = createMetrics({ service: "t", environment: "test" });
  const courses = { courses: repo, clock: { now: () => new Date() }, ids: { next: () => crypto.randomUUID() } };
  const idempotency = {
    claim,
    complete: async () => true,
    completeRecovered: async () => {},
    release: async () => {},
    expire: async () => 0,
  };
  const app = createHttpApp({
    metrics,
    readiness: () => checkReadiness(checks, 200),
    accepting: () => accepting,
    api: { courses, idempotency, bodyLimit: 1024 },
    version: "test",
  });
  return { metrics, handle: createRequestHandler(app, { tracer: trace.getTracer("t"), metrics, bodyLimit: 1024 }) };
}
const up = (name: string): DependencyCheck => ({ name, check: async () => {} });
const down = (name: string): DependencyCheck => ({
  name,
  check: async () => Promise.reject(new Error("connect ECONNREFUSED 10.1.2.3:27017")),
});

describe("Idempotency-Key conflicts", () => {
  const create = (handle: (r: Request) => Promise<Response>) =>
    handle(
      new Request("http://localhost/v1/courses", {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": "key-12345678" },
        body: JSON.stringify({ title: "T", language: "en", level: "beginner", instructor: { id: "i", name: "I" } }),
      }),
    );
  it("still in progress: 409 idempotency_key_in_use with Retry-After", async () => {
    const { handle } = handlerWith([], true, undefined, async () => ({ state: "in_progress" }));
    const res = await create(handle);
    expect(res.status).toBe(409);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(((await res.json()) as { code: string }).code).toBe("idempotency_key_in_use");
  });
  it("reused with another body: 409 idempotency_key_reused, no Retry-After", async () => {
    const { handle } = handlerWith([], true, undefined, async () => ({ state: "mismatch" }));
    const res = await create(handle);
    expect(res.status).toBe(409);
    expect(res.headers.get("retry-after")).toBeNull();
    expect(((await res.json()) as { code: string }).code).toBe("idempotency_key_reused");
  });
});

describe("HTTP skeleton", () => {
  it("turns an unexpected error into a bare 500 and logs its chain once with the same traceId", async () => {
    const repo = new InMemoryCourseRepository();
    repo.findById = async () => {
      throw new Error("MongoServerError: not primary, host db-7.internal:27017");
    };
    const tracer = new BasicTracerProvider().getTracer("t");
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const metrics = createMetrics({ service: "t", environment: "test" });
    const app = createHttpApp({
      metrics,
      readiness: async () => [],
      accepting: () => true,
      api: {
        courses: { courses: repo, clock: { now: () => new Date() }, ids: { next: () => "x" } },
        idempotency: undefined as never,
        bodyLimit: 1024,
      },
      version: "test",
    });
    const cap = captureLogs();
    const res = await cap.run(() =>
      createRequestHandler(app, { tracer, metrics, bodyLimit: 1024 })(new Request("http://localhost/v1/courses/abc")),
    );
    expect(res.status).toBe(500);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["detail", "instance", "status", "title", "traceId", "type"]);
    expect(JSON.stringify(body)).not.toMatch(/Mongo|db-7|27017|primary/);
    const logged = cap.entries.filter((e) => e.msg === "request failed");
    expect(logged).toHaveLength(1);
    expect(JSON.stringify(logged[0])).toContain("db-7.internal");
    expect(logged[0]!.traceId).toBe(body.traceId);
    // The request's scope: every line of it carries the id and the matched route template.
    expect(logged[0]).toMatchObject({ route: "/v1/courses/:id", path: "/v1/courses/abc" });
    expect(logged[0]!.requestId).toBe(res.headers.get("x-request-id"));
  });

  it("answers unknown routes with a problem+json 404", async () => {
    const res = await handlerWith([]).handle(new Request("http://localhost/no/such/thing"));
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await res.json()).toMatchObject({ type: "/problems/not-found", status: 404, instance: "/no/such/thing" });
  });

  it("names the failing dependency in a 503 without leaking its error", async () => {
    const res = await handlerWith([up("mongo"), down("kafka")]).handle(new Request("http://localhost/readyz"));
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body).toMatchObject({
      status: 503,
      checks: { mongo: "ok", kafka: "failed" },
      detail: "Not ready: kafka is not available.",
    });
    expect(JSON.stringify(body)).not.toContain("10.1.2.3");
  });

  it("reports not ready once shutdown has begun", async () => {
    const res = await handlerWith([up("mongo")], false).handle(new Request("http://localhost/readyz"));
    expect(res.status).toBe(503);
    expect(((await res.json()) as { detail: string }).detail).toContain("shutting-down");
  });

  it("refuses a declared body over the limit with 413 problem+json", async () => {
    const res = await handlerWith([]).handle(
      new Request("http://localhost/healthz", {
        method: "POST",
        body: "x".repeat(2048),
        headers: { "content-length": "2048" },
      }),
    );
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });

  it("echoes or assigns a request id", async () => {
    const h = handlerWith([]);
    const given = await h.handle(new Request("http://localhost/healthz", { headers: { "x-request-id": "abc-123" } }));
    expect(given.headers.get("x-request-id")).toBe("abc-123");
    const assigned = await h.handle(new Request("http://localhost/healthz"));
    expect(assigned.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("counts requests by route template and status in /metrics", async () => {
    const h = handlerWith([]);
    await h.handle(new Request("http://localhost/healthz"));
    await h.handle(new Request("http://localhost/missing/1"));
    const text = await (await h.handle(new Request("http://localhost/metrics"))).text();
    expect(text).toContain(
      'http_requests_total{method="GET",route="/healthz",status="200",service="t",environment="test"} 1',
    );
    expect(text).toContain(
      'http_requests_total{method="GET",route="unmatched",status="404",service="t",environment="test"} 1',
    );
  });

  it("answers GET and HEAD /healthz before the handler, counts them in /metrics, and leaves other methods to it", async () => {
    const h = handlerWith([]);
    const server = startHttpServer(
      { host: "127.0.0.1", port: 0, idleTimeoutMs: 5000, bodyLimit: 1024 },
      h.handle,
      livenessRoute(h.metrics),
    );
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const get = await fetch(`${base}/healthz`);
      expect(get.status).toBe(200);
      expect(await get.json()).toEqual({ status: "ok" });
      expect(get.headers.get("cache-control")).toBe("no-store");
      expect(get.headers.get("x-content-type-options")).toBe("nosniff");
      expect((await fetch(`${base}/healthz`, { method: "HEAD" })).status).toBe(200);
      // Another method reaches the handler (and its 405), with the handler's request id.
      const post = await fetch(`${base}/healthz`, { method: "POST" });
      expect(post.status).toBe(405);
      expect(post.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toContain(
        'http_requests_total{method="GET",route="/healthz",status="200",service="t",environment="test"} 2',
      );
      // Read again: counted once, not added twice.
      const again = await (await fetch(`${base}/metrics`)).text();
      expect(again).toContain(
        'http_requests_total{method="GET",route="/healthz",status="200",service="t",environment="test"} 2',
      );
    } finally {
      server.stop(true);
    }
  });
});
