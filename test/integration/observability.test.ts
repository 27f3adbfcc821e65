// Traces and metrics of the compiled binary, checked with the real tools: Jaeger (one trace from
// the HTTP request through MongoDB and the relay's publish into a consumer), promtool (the
// exposition), and no secret in spans, logs or metrics.
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { dropDatabases, eventually, required, JAEGER_WAIT_MS, stack, type StackEndpoints } from "../support/stack.ts";
import { enrollment, produce, readTopic, testKafka } from "../support/kafka.ts";
import { run } from "../support/run.ts";
import { isolated, serviceEnv, startService, type RunningService } from "../support/service.ts";

interface JaegerSpan {
  spanID: string;
  operationName: string;
  references: { refType: string; spanID: string; traceID: string }[];
  tags: { key: string; value: unknown }[];
  processID: string;
}
interface JaegerTrace {
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags: { key: string; value: unknown }[] }>;
}

const SECRET_TOKEN = "sup3r-secret-bearer-t0ken";
let s: StackEndpoints;
let svc: RunningService;
const { id, database, eventsTopic, enrollTopic, env: isolation } = isolated("obs");
const serviceName = `courses-${id}`;

beforeAll(async () => {
  s = await stack({ jaeger: true });
  svc = await startService(
    serviceEnv(s, {
      ...isolation,
      COURSES_SERVICE_NAME: serviceName,
      COURSES_TELEMETRY_TRACING_ENABLED: "true",
      COURSES_TELEMETRY_OTLP_ENDPOINT: required(s, "otlpEndpoint"),
    }),
  );
}, JAEGER_WAIT_MS);
afterAll(async () => {
  await svc?.stop();
  await dropDatabases(s.mongoUrl, [database]);
});

async function jaegerTrace(traceId: string, until: (t: JaegerTrace) => boolean): Promise<JaegerTrace> {
  const jaeger = required(s, "jaegerQueryUrl");
  return eventually(
    `trace ${traceId} complete in Jaeger`,
    async () => {
      const r = await fetch(`${jaeger}/api/traces/${traceId}`);
      if (!r.ok) return undefined;
      const t = ((await r.json()) as { data: JaegerTrace[] }).data[0];
      return t && until(t) ? t : undefined;
    },
    45_000,
    500,
  );
}
const tag = (span: JaegerSpan, key: string) => span.tags.find((t) => t.key === key)?.value;

describe("traces", () => {
  it("one trace holds the HTTP request, its MongoDB commands, the relay's publish and the consumer that reacted", async () => {
    const traceId = crypto.randomUUID().replaceAll("-", "");
    const res = await fetch(`${svc.url}/v1/courses`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
        authorization: `Bearer ${SECRET_TOKEN}`,
      },
      body: JSON.stringify({
        title: "Traced course",
        language: "en",
        level: "beginner",
        instructor: { id: "i", name: "I" },
      }),
    });
    expect(res.status).toBe(201);
    const course = (await res.json()) as { id: string };

    // The event carries the relay's create span as traceparent; a downstream service that reacts
    // with an enrollment passes it on, as W3C trace context asks.
    const kafka = testKafka(s.kafkaBrokers);
    const [published] = await readTopic(kafka, eventsTopic, (m) => m.some((x) => x.key === course.id), 30_000);
    const traceparent = published!.headers.traceparent!;
    expect(traceparent).toStartWith(`00-${traceId}-`);
    await produce(kafka, enrollTopic, [{ ...enrollment("enrollment.created", course.id), headers: { traceparent } }]);

    const t = await jaegerTrace(traceId, (x) => x.spans.some((sp) => sp.operationName === `${enrollTopic} process`));
    const byName = (name: string) => t.spans.filter((sp) => sp.operationName === name);
    const server = byName("POST /v1/courses")[0]!;
    expect(server).toBeDefined();
    // MongoDB client spans under the request: the course insert, with names, never values.
    const mongo = t.spans.filter((sp) => tag(sp, "db.system") === "mongodb");
    const insert = mongo.find((sp) => sp.operationName === "insert courses")!;
    expect(insert).toBeDefined();
    expect(insert.references[0]?.spanID).toBe(server.spanID);
    expect({
      op: tag(insert, "db.operation.name"),
      coll: tag(insert, "db.collection.name"),
      db: tag(insert, "db.namespace"),
    }).toEqual({
      op: "insert",
      coll: "courses",
      db: database,
    });
    // The relay's create span is a child of the request's span; the consumer's is its child.
    const create = byName(`create ${eventsTopic}`).find((sp) => tag(sp, "messaging.kafka.message.key") === course.id)!;
    expect(create).toBeDefined();
    const process = byName(`${enrollTopic} process`)[0]!;
    expect(process.references[0]?.spanID).toBe(create.spanID);
    // The consumer's own MongoDB work continues the same trace.
    expect(mongo.some((sp) => sp.references[0]?.spanID === process.spanID)).toBe(true);
    expect(t.processes[server.processID]!.serviceName).toBe(serviceName);
    // Logs carry the ids of the span they were written in.
    const access = svc.entries().find((e) => e.msg === "request" && e.method === "POST" && e.trace_id === traceId);
    expect(access).toMatchObject({ trace_id: traceId, span_id: server.spanID, route: "/v1/courses", status: 201 });
    // No secret and no document value in any span.
    const all = JSON.stringify(t);
    expect(all).not.toContain(SECRET_TOKEN);
    expect(all).not.toContain("Traced course");
  }, 120_000);
});

describe("sampling", () => {
  it("a caller's unsampled traceparent is honoured: its request, MongoDB calls and the relay's publish export nothing", async () => {
    // Tests run at sampleRatio 1: anything of this request in Jaeger means the flag was ignored.
    const post = (traceId: string, flags: string, title: string) =>
      fetch(`${svc.url}/v1/courses`, {
        method: "POST",
        headers: { "content-type": "application/json", traceparent: `00-${traceId}-00f067aa0ba902b7-${flags}` },
        body: JSON.stringify({ title, language: "en", level: "beginner", instructor: { id: "i", name: "I" } }),
      });
    const unsampled = crypto.randomUUID().replaceAll("-", "");
    const quiet = await post(unsampled, "00", "Unsampled course");
    expect(quiet.status).toBe(201);
    const { id: quietId } = (await quiet.json()) as { id: string };
    // Its event is published (the relay's span for it has ended) before the sampled create is sent.
    await readTopic(testKafka(s.kafkaBrokers), eventsTopic, (m) => m.some((x) => x.key === quietId), 60_000);
    // Once the sampled create's request and publish spans are in Jaeger, anything the unsampled
    // request or its publish would have exported (spans export in the order they end) is there too.
    const sampled = crypto.randomUUID().replaceAll("-", "");
    const loud = await post(sampled, "01", "Sampled course");
    const { id: courseId } = (await loud.json()) as { id: string };
    await jaegerTrace(sampled, (t) =>
      t.spans.some(
        (x) => x.operationName === `create ${eventsTopic}` && tag(x, "messaging.kafka.message.key") === courseId,
      ),
    );
    const r = await fetch(`${required(s, "jaegerQueryUrl")}/api/traces/${unsampled}`);
    const spans = r.ok ? ((await r.json()) as { data: JaegerTrace[] }).data.flatMap((t) => t.spans) : [];
    expect(spans.map((x) => x.operationName)).toEqual([]);
  }, 120_000);
});

describe("probes", () => {
  it("/healthz, /readyz and /metrics are never traced, even under a sampled traceparent", async () => {
    const probeTraces = ["/healthz", "/readyz", "/metrics"].map((path) => ({
      path,
      traceId: crypto.randomUUID().replaceAll("-", ""),
    }));
    for (const p of probeTraces)
      await (
        await fetch(`${svc.url}${p.path}`, { headers: { traceparent: `00-${p.traceId}-00f067aa0ba902b7-01` } })
      ).arrayBuffer();
    // A traced request after them: once its trace is in Jaeger, anything the probes would have
    // exported (spans end in order, batches export in order) would be there too.
    const after = crypto.randomUUID().replaceAll("-", "");
    await (
      await fetch(`${svc.url}/v1/courses?limit=1`, { headers: { traceparent: `00-${after}-00f067aa0ba902b7-01` } })
    ).arrayBuffer();
    await jaegerTrace(after, (t) => t.spans.some((x) => x.operationName === "GET /v1/courses"));
    const jaeger = required(s, "jaegerQueryUrl");
    for (const p of probeTraces) {
      const r = await fetch(`${jaeger}/api/traces/${p.traceId}`);
      const found = r.ok ? ((await r.json()) as { data: JaegerTrace[] }).data.length : 0;
      expect({ path: p.path, spans: found }).toEqual({ path: p.path, spans: 0 });
    }
  });
});

describe("metrics", () => {
  it("/metrics passes promtool check metrics with no finding, and holds the runtime, build, MongoDB and Kafka families", async () => {
    const text = await (await fetch(`${svc.url}/metrics`)).text();
    const check = await run(["promtool", "check", "metrics"], { stdin: text });
    expect(`${check.stdout}${check.stderr}`.trim()).toBe("");
    expect(check.code).toBe(0);
    for (const family of [
      "build_info",
      "process_cpu_user_seconds_total",
      "process_resident_memory_bytes",
      "process_open_fds",
      "bun_heap_size_bytes",
      "runtime_event_loop_lag_seconds",
      "http_requests_in_flight",
      "mongodb_command_duration_seconds_bucket",
      "mongodb_pool_connections",
      "kafka_messages_produced_total",
    ])
      expect(text).toMatch(new RegExp(`^${family}\\{`, "m"));
    expect(text).not.toMatch(/^nodejs_/m);
    expect(text).toMatch(/^build_info\{version="[^"]+",revision="[0-9a-f]{12}(-dirty)?",runtime="bun [\d.]+"/m);
    expect(text).not.toContain(SECRET_TOKEN);
  });

  it("serves OpenMetrics with trace exemplars on the latency histogram to a scraper that asks for it", async () => {
    const traceId = crypto.randomUUID().replaceAll("-", "");
    await fetch(`${svc.url}/v1/courses?limit=1`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    const res = await fetch(`${svc.url}/metrics`, {
      headers: { accept: "application/openmetrics-text; version=1.0.0" },
    });
    expect(res.headers.get("content-type")).toStartWith("application/openmetrics-text");
    const text = await res.text();
    expect(text).toMatch(
      new RegExp(
        `^http_request_duration_seconds_bucket\\{[^}]*route="/v1/courses"[^}]*\\} \\d+ # \\{trace_id="${traceId}"\\}`,
        "m",
      ),
    );
    expect(text.trimEnd()).toEndWith("# EOF");
    // The classic format has no exemplars (promtool checks it above).
    expect(await (await fetch(`${svc.url}/metrics`)).text()).not.toContain(traceId);
  });

  it("an unknown route collapses to one label; ids never become labels", async () => {
    await fetch(`${svc.url}/no/such/${crypto.randomUUID()}`);
    await fetch(`${svc.url}/v1/courses/${crypto.randomUUID()}`);
    const text = await (await fetch(`${svc.url}/metrics`)).text();
    const routes = new Set([...text.matchAll(/^http_requests_total\{[^}]*route="([^"]*)"/gm)].map((m) => m[1]));
    expect(routes).toContain("unmatched");
    expect(routes).toContain("/v1/courses/:id");
    expect([...routes].some((r) => /[0-9a-f]{8}-[0-9a-f]{4}/.test(r!))).toBe(false);
  });
});

describe("secrets", () => {
  it("a password in the MongoDB URL reaches no log line, readiness answer, metric or span", async () => {
    const password = "p4ss-w0rd-that-must-not-leak";
    const other = await startService(
      serviceEnv(s, {
        COURSES_MONGO_URL: `mongodb://courses:${password}@127.0.0.1:27017/?authSource=admin`,
        COURSES_MONGO_SERVER_SELECTION_TIMEOUT: "500ms",
        COURSES_MONGO_DATABASE: `${database}_auth`,
        COURSES_SERVICE_NAME: `${serviceName}-auth`,
        COURSES_TELEMETRY_TRACING_ENABLED: "true",
        COURSES_TELEMETRY_OTLP_ENDPOINT: required(s, "otlpEndpoint"),
      }),
    );
    try {
      // The stack's store does not do authentication: the instance is up but not ready, and says why.
      const ready = await fetch(`${other.url}/readyz`, { headers: { authorization: `Bearer ${SECRET_TOKEN}` } });
      expect(ready.status).toBe(503);
      // An API request with the token, which meets the store: a 503 whose spans reach Jaeger
      // (its headers included, were they recorded). Probes are never traced.
      const api = await fetch(`${other.url}/v1/courses`, { headers: { authorization: `Bearer ${SECRET_TOKEN}` } });
      expect(api.status).toBe(503);
      const answers = [await ready.text(), await api.text(), await (await fetch(`${other.url}/metrics`)).text()];
      const jaeger = required(s, "jaegerQueryUrl");
      const traces = await eventually(
        "the API request's trace in Jaeger",
        async () => {
          const text = await (await fetch(`${jaeger}/api/traces?service=${serviceName}-auth&limit=50`)).text();
          return text.includes("GET /v1/courses") ? text : undefined;
        },
        20_000,
        500,
      );
      for (const text of [...answers, other.lines.join("\n"), traces]) {
        expect(text).not.toContain(password);
        expect(text).not.toContain(SECRET_TOKEN);
      }
      expect(other.lines.join("\n")).toContain("[REDACTED]");
    } finally {
      await other.stop();
    }
  }, 60_000);
});
