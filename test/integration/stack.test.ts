// The walking skeleton against the real servers: the MongoDB wire-protocol store, Kafka, Jaeger, Prometheus.
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createTopic, deleteTopics, produce, readTopic, testKafka } from "../support/kafka.ts";
import { MongoClient } from "mongodb";
import { startService, serviceEnv, type RunningService } from "../support/service.ts";
import { eventually, required, JAEGER_WAIT_MS, stack, uniqueName, type StackEndpoints } from "../support/stack.ts";

let s: StackEndpoints;
beforeAll(async () => {
  s = await stack({ jaeger: true });
}, JAEGER_WAIT_MS);

describe("MongoDB wire protocol (official driver)", () => {
  it("round-trips a document and enforces a unique index", async () => {
    const client = new MongoClient(s.mongoUrl, { serverSelectionTimeoutMS: 5000 });
    const db = client.db(uniqueName("it_roundtrip").replaceAll("-", "_"));
    try {
      const col = db.collection<{
        _id: string;
        title: string;
        tags: string[];
        price: { amount: number; currency: string };
      }>("courses");
      await col.createIndex({ title: 1 }, { unique: true });
      await col.insertOne({
        _id: "c-1",
        title: "Intro to Bun",
        tags: ["bun", "ts"],
        price: { amount: 1999, currency: "EUR" },
      });
      const found = await col.findOne({ tags: "bun" });
      expect(found).toEqual({
        _id: "c-1",
        title: "Intro to Bun",
        tags: ["bun", "ts"],
        price: { amount: 1999, currency: "EUR" },
      });
      const dup = await col
        .insertOne({ _id: "c-2", title: "Intro to Bun", tags: [], price: { amount: 0, currency: "EUR" } })
        .catch((e) => e);
      expect(dup.code).toBe(11000);
    } finally {
      await db.dropDatabase().catch(() => {});
      await client.close();
    }
  });
});

describe("Kafka", () => {
  it("delivers a produced message with its key and headers to a consumer", async () => {
    const kafka = testKafka(s.kafkaBrokers);
    const topic = uniqueName("it.roundtrip");
    await createTopic(kafka, topic);
    try {
      await produce(kafka, topic, [
        {
          key: "course-1",
          value: JSON.stringify({ hello: "kafka" }),
          headers: { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
        },
      ]);
      const received = await readTopic(kafka, topic, (m) => m.length >= 1);
      expect(received.map((m) => ({ key: m.key, value: m.value, traceparent: m.headers.traceparent }))).toEqual([
        {
          key: "course-1",
          value: '{"hello":"kafka"}',
          traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        },
      ]);
    } finally {
      await deleteTopics(kafka, [topic]);
    }
  });
});

describe("the service against the real stack", () => {
  let svc: RunningService;
  const serviceName = uniqueName("courses-it");
  const targetsFile = () => join(required(s, "prometheusTargetsDir"), `${serviceName}.json`);

  beforeAll(async () => {
    svc = await startService(serviceEnv(s, { COURSES_SERVICE_NAME: serviceName }));
  });
  afterAll(async () => {
    rmSync(targetsFile(), { force: true });
    if (svc) await svc.stop();
  });

  it("is live and ready when MongoDB and Kafka answer", async () => {
    expect(await (await fetch(`${svc.url}/healthz`)).json()).toEqual({ status: "ok" });
    // It listens before its store is migrated; ready follows within moments.
    // (the enrollment consumer is ready once it has joined its group)
    const body = await eventually(
      "ready",
      async () => {
        const r = await fetch(`${svc.url}/readyz`);
        const b = r.status === 200 ? ((await r.json()) as { status: string; checks: unknown }) : undefined;
        return b?.status === "ready" ? b : undefined;
      },
      20_000,
      50,
    );
    expect(body).toEqual({ status: "ready", checks: { mongo: "ok", kafka: "ok", "enrollment-consumer": "ok" } });
  });

  it("exports its spans over OTLP to Jaeger, continuing an incoming traceparent", async () => {
    const jaeger = required(s, "jaegerQueryUrl");
    const traceId = crypto.randomUUID().replaceAll("-", "");
    // An API request (probes are never traced).
    const res = await fetch(`${svc.url}/v1/courses?limit=1`, {
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    const spans = await eventually(
      `trace ${traceId} in Jaeger`,
      async () => {
        const r = await fetch(`${jaeger}/api/traces/${traceId}`);
        if (!r.ok) return undefined;
        const body = (await r.json()) as {
          data: {
            spans: { operationName: string; references: { spanID: string }[] }[];
            processes: Record<string, { serviceName: string }>;
          }[];
        };
        return body.data[0];
      },
      20_000,
    );
    const span = spans.spans.find((x) => x.operationName === "GET /v1/courses");
    expect(span).toBeDefined();
    expect(span!.references[0]?.spanID).toBe("00f067aa0ba902b7");
    expect(Object.values(spans.processes).map((p) => p.serviceName)).toContain(serviceName);
    const services = (await (await fetch(`${jaeger}/api/services`)).json()) as { data: string[] };
    expect(services.data).toContain(serviceName);
  });

  it("is scraped by Prometheus (up == 1) with its HTTP metrics", async () => {
    const prometheus = required(s, "prometheusUrl");
    const instance = `127.0.0.1:${svc.port}`;
    writeFileSync(targetsFile(), JSON.stringify([{ targets: [instance], labels: { env: "it", run: serviceName } }]));
    const up = await eventually(
      `up{instance="${instance}"} == 1`,
      async () => {
        const r = await fetch(
          `${prometheus}/api/v1/query?query=${encodeURIComponent(`up{job="courses",instance="${instance}"}`)}`,
        );
        const body = (await r.json()) as { data: { result: { value: [number, string] }[] } };
        return body.data.result[0]?.value[1] === "1" ? body.data.result[0] : undefined;
      },
      30_000,
      500,
    );
    expect(up.value[1]).toBe("1");
    const series = await eventually(`http_requests_total of ${instance}`, async () => {
      const r = await fetch(
        `${prometheus}/api/v1/query?query=${encodeURIComponent(`http_requests_total{instance="${instance}",route="/healthz"}`)}`,
      );
      const body = (await r.json()) as { data: { result: unknown[] } };
      return body.data.result.length ? body.data.result : undefined;
    });
    expect(series.length).toBeGreaterThan(0);
  });

  it("stops cleanly on SIGTERM", async () => {
    const code = await svc.stop("SIGTERM");
    expect(code).toBe(0);
    const entries = svc.entries();
    expect(entries.some((e) => e.msg === "shutdown complete")).toBe(true);
  });
});

describe("readiness names the failing dependency", () => {
  it("answers 503 problem+json naming kafka when the broker is unreachable and COURSES_READINESS_REQUIRE_KAFKA=true", async () => {
    const svc = await startService(
      serviceEnv(s, {
        COURSES_KAFKA_BROKERS: "127.0.0.1:1",
        COURSES_KAFKA_CONNECTION_TIMEOUT: "300ms",
        COURSES_READINESS_REQUIRE_KAFKA: "true",
        COURSES_TELEMETRY_TRACING_ENABLED: "false",
      }),
    );
    try {
      const res = await fetch(`${svc.url}/readyz`);
      expect(res.status).toBe(503);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({
        status: 503,
        title: "Service unavailable",
        checks: { mongo: "ok", kafka: "failed" },
      });
      expect(String(body.detail)).toContain("kafka");
      expect(JSON.stringify(body)).not.toContain("127.0.0.1:1");
    } finally {
      await svc.stop();
    }
  });

  it("answers 503 naming mongo when the store is unreachable, and hides its address", async () => {
    const svc = await startService(
      serviceEnv(s, {
        COURSES_MONGO_URL: "mongodb://127.0.0.1:1/",
        COURSES_MONGO_SERVER_SELECTION_TIMEOUT: "300ms",
        COURSES_TELEMETRY_TRACING_ENABLED: "false",
      }),
    );
    try {
      const res = await fetch(`${svc.url}/readyz`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body.checks).toMatchObject({ mongo: "failed", kafka: "ok" });
      expect(String(body.detail)).toContain("mongo");
      expect(JSON.stringify(body)).not.toContain("127.0.0.1:1");
      // The API answers too: a retryable 503 problem, without the store's address or driver text.
      const api = await fetch(`${svc.url}/v1/courses`);
      expect(api.status).toBe(503);
      expect(api.headers.get("content-type")).toBe("application/problem+json");
      const problem = await api.text();
      expect(problem).not.toContain("127.0.0.1");
      expect(problem).not.toContain("Mongo");
    } finally {
      await svc.stop();
    }
  });
});

describe("readiness by default: the outbox is the buffer", () => {
  it("stays ready with the broker unreachable, and says Kafka is down in the body and in metrics", async () => {
    const svc = await startService(
      serviceEnv(s, {
        COURSES_KAFKA_BROKERS: "127.0.0.1:1",
        COURSES_KAFKA_CONNECTION_TIMEOUT: "300ms",
        COURSES_TELEMETRY_TRACING_ENABLED: "false",
      }),
    );
    try {
      const res = await fetch(`${svc.url}/readyz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        status: "degraded",
        checks: { mongo: "ok", kafka: "failed", "enrollment-consumer": "failed" },
      });
      const metrics = await (await fetch(`${svc.url}/metrics`)).text();
      expect(metrics).toMatch(/^dependency_up\{dependency="kafka"[^}]*\} 0$/m);
      expect(metrics).toMatch(/^dependency_up\{dependency="mongo"[^}]*\} 1$/m);
    } finally {
      await svc.stop();
    }
  });
});
