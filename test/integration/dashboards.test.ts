// The Grafana dashboards kept honest without Grafana (not installable here): the service runs with
// every module, the stack's Prometheus scrapes it, traffic touches every path (an error, an
// enrollment, a dead letter, a scraper run), and every panel's query — with $instance and
// $__rate_interval substituted as Grafana would — must return data from Prometheus.
import { afterAll, beforeAll, expect, it } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DASHBOARDS } from "../../ops/grafana/dashboards.ts";
import { enrollment, produce, readTopic, testKafka } from "../support/kafka.ts";
import { isolated, serviceEnv, startService, type RunningService } from "../support/service.ts";
import { dropDatabases, eventually, required, JAEGER_WAIT_MS, stack, type StackEndpoints } from "../support/stack.ts";

let s: StackEndpoints;
let svc: RunningService;
const { id, database, eventsTopic, enrollTopic, env: isolation } = isolated("dash");
const feed = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch: () =>
    new Response(
      `<?xml version="1.0"?><rss version="2.0"><channel><title>F</title><link>https://f.example/</link><description>d</description><item><guid>d1</guid><link>https://f.example/1</link><title>Dashboard course</title></item></channel></rss>`,
      { headers: { "content-type": "application/rss+xml" } },
    ),
});
let targets: string;

beforeAll(async () => {
  s = await stack({ jaeger: true });
  svc = await startService(
    serviceEnv(s, {
      ...isolation,
      COURSES_SERVICE_NAME: `courses-${id}`,
      COURSES_TELEMETRY_TRACING_ENABLED: "true",
      COURSES_TELEMETRY_OTLP_ENDPOINT: required(s, "otlpEndpoint"),
      COURSES_LOG_LEVEL: "info",
      COURSES_SCRAPER_SOURCES: JSON.stringify([
        { name: "dash-feed", url: `http://127.0.0.1:${feed.port}/feed.xml`, interval: "2s" },
      ]),
      COURSES_SCRAPER_ALLOW_PRIVATE_NETWORKS: "true",
    }),
    { args: ["serve", "--modules=api,relay,consumer,scraper"] },
  );
  targets = join(required(s, "prometheusTargetsDir"), `${id}.json`);
  writeFileSync(targets, JSON.stringify([{ targets: [`127.0.0.1:${svc.port}`], labels: { service_test: id } }]));
}, JAEGER_WAIT_MS);
afterAll(async () => {
  rmSync(targets, { force: true });
  feed.stop(true);
  await svc?.stop();
  await dropDatabases(s.mongoUrl, [database]);
});

async function query(expr: string): Promise<{ status: string; error?: string; data?: { result: unknown[] } }> {
  const prometheus = required(s, "prometheusUrl");
  return (await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`)).json() as never;
}

it("every panel of every dashboard returns data from Prometheus for this instance", async () => {
  const instance = `127.0.0.1:${svc.port}`;
  await eventually(
    "Prometheus scrapes the instance (up == 1)",
    async () => {
      const r = await query(`up{instance="${instance}"} == 1`);
      return r.data?.result.length ? true : undefined;
    },
    30_000,
  );

  // Traffic: creates, reads, a 404, a 400, readiness, an enrollment and a poison message.
  const post = (body: unknown) =>
    fetch(`${svc.url}/v1/courses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const created = (await (
    await post({ title: "Dashboard traffic", language: "en", level: "beginner", instructor: { id: "i", name: "I" } })
  ).json()) as { id: string };
  for (let i = 0; i < 5; i++) await fetch(`${svc.url}/v1/courses/${created.id}`);
  await fetch(`${svc.url}/v1/courses/${crypto.randomUUID()}`);
  await post({ title: "" });
  await fetch(`${svc.url}/readyz`);
  const kafka = testKafka(s.kafkaBrokers);
  await readTopic(kafka, eventsTopic, (m) => m.some((x) => x.key === created.id), 30_000);
  await produce(kafka, enrollTopic, [
    enrollment("enrollment.created", created.id),
    { key: created.id, value: "not json at all" },
  ]);
  await eventually(
    "the dead letter is counted",
    async () =>
      (await (await fetch(`${svc.url}/metrics`)).text()).match(/^kafka_messages_dead_lettered_total\{[^}]*\} 1$/m)
        ? true
        : undefined,
    30_000,
  );
  await eventually(
    "the scraper ran",
    async () =>
      (await (await fetch(`${svc.url}/metrics`)).text()).includes('scraper_runs_total{source="dash-feed"')
        ? true
        : undefined,
    30_000,
  );
  // Three more scrapes, so every rate has samples on both sides of the traffic.
  await Bun.sleep(7000);

  const failures: string[] = [];
  let checked = 0;
  for (const d of DASHBOARDS)
    for (const row of d.rows)
      for (const panel of row.panels)
        for (const target of panel.targets) {
          const expr = target.expr
            .replaceAll("$instance", instance.replaceAll(".", "\\\\."))
            .replaceAll("$__rate_interval", "1m");
          const r = await query(expr);
          checked++;
          if (r.status !== "success") failures.push(`${d.uid} / ${panel.title}: ${r.error}`);
          else if (!r.data?.result.length) failures.push(`${d.uid} / ${panel.title}: no data for ${expr}`);
        }
  expect(failures).toEqual([]);
  expect(checked).toBeGreaterThanOrEqual(30);

  // Exemplars: Prometheus scraped OpenMetrics and keeps trace ids on latency buckets (Grafana's
  // Prometheus datasource links them to Jaeger).
  const prometheus = required(s, "prometheusUrl");
  const now = Date.now() / 1000;
  const ex = (await (
    await fetch(
      `${prometheus}/api/v1/query_exemplars?query=${encodeURIComponent(`http_request_duration_seconds_bucket{instance="${instance}"}`)}&start=${now - 300}&end=${now}`,
    )
  ).json()) as { data: { exemplars: { labels: Record<string, string> }[] }[] };
  const traceIds = ex.data.flatMap((series) => series.exemplars.map((e) => e.labels.trace_id));
  expect(traceIds.length).toBeGreaterThan(0);
  expect(traceIds.every((tid) => /^[0-9a-f]{32}$/.test(tid ?? ""))).toBe(true);

  // The scraper's runs are traces of their own: a root scraper.run span with its fetch inside.
  const jaeger = required(s, "jaegerQueryUrl");
  const run = await eventually(
    "a scraper.run trace in Jaeger",
    async () => {
      const r = (await (
        await fetch(`${jaeger}/api/traces?service=courses-${id}&operation=scraper.run&limit=5`)
      ).json()) as {
        data: {
          spans: {
            spanID: string;
            operationName: string;
            references: { spanID: string }[];
            tags: { key: string; value: unknown }[];
          }[];
        }[];
      };
      return r.data.find((t) => t.spans.some((sp) => sp.operationName === "GET"));
    },
    30_000,
    500,
  );
  const root = run.spans.find((sp) => sp.operationName === "scraper.run")!;
  expect(root.references).toEqual([]);
  const get = run.spans.find((sp) => sp.operationName === "GET")!;
  expect(get.references[0]?.spanID).toBe(root.spanID);
  expect(get.tags.find((t) => t.key === "scraper.source")?.value).toBe("dash-feed");
}, 180_000);
