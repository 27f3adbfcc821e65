// Grafana dashboards as code: `bun run gen` writes ops/grafana/dashboards/*.json from this file;
// a test fails when they are stale, and another evaluates every panel's query against the stack's
// Prometheus with live traffic (test/integration/dashboards.test.ts). Every panel has a unit;
// rates use $__rate_interval; every query is scoped to the $instance variable.

export interface Target {
  expr: string;
  legendFormat: string;
}
export interface Panel {
  title: string;
  unit: string;
  targets: Target[];
  description?: string;
  kind?: "timeseries" | "stat";
}
export interface Dashboard {
  uid: string;
  title: string;
  description: string;
  rows: { title: string; panels: Panel[] }[];
}

const I = 'instance=~"$instance"';
const API = `${I}, route!~"/healthz|/readyz|/metrics"`;
const t = (expr: string, legendFormat: string): Target => ({ expr, legendFormat });
const quantiles = (metric: string, by: string, scope: string, legend: string) =>
  ["0.5", "0.95", "0.99"].map((q) =>
    t(
      `histogram_quantile(${q}, sum by (le, ${by}) (rate(${metric}_bucket{${scope}}[$__rate_interval])))`,
      `p${Number(q) * 100} ${legend}`,
    ),
  );

export const DASHBOARDS: Dashboard[] = [
  {
    uid: "courses-service",
    title: "Courses — service overview",
    description: "Requests, errors, latency and in-flight of the courses API (probes excluded)",
    rows: [
      {
        title: "Traffic",
        panels: [
          {
            title: "Request rate by route",
            unit: "reqps",
            targets: [t(`sum by (route) (rate(http_requests_total{${API}}[$__rate_interval]))`, "{{route}}")],
          },
          {
            title: "Error ratio (5xx of requests that are not 4xx)",
            unit: "percentunit",
            description: "The availability SLO's measure: 99.9 % of requests that are not client errors succeed",
            targets: [
              t(
                `(sum(rate(http_requests_total{${API}, status=~"5.."}[$__rate_interval])) or vector(0)) / sum(rate(http_requests_total{${API}, status!~"4.."}[$__rate_interval]))`,
                "5xx ratio",
              ),
            ],
          },
          {
            title: "Client errors (4xx) by status",
            unit: "reqps",
            targets: [
              t(`sum by (status) (rate(http_requests_total{${API}, status=~"4.."}[$__rate_interval]))`, "{{status}}"),
            ],
          },
          {
            title: "In-flight requests",
            unit: "short",
            targets: [t(`sum by (instance) (http_requests_in_flight{${I}})`, "{{instance}}")],
          },
        ],
      },
      {
        title: "Latency",
        panels: [
          {
            title: "Latency p50 / p95 / p99 by route",
            unit: "s",
            targets: quantiles("http_request_duration_seconds", "route", API, "{{route}}"),
          },
          {
            title: "Requests within 250 ms",
            unit: "percentunit",
            description: "The latency SLO's measure: 99 % within 250 ms",
            targets: [
              t(
                `sum(rate(http_request_duration_seconds_bucket{${API}, le="0.25"}[$__rate_interval])) / sum(rate(http_request_duration_seconds_count{${API}}[$__rate_interval]))`,
                "within 250 ms",
              ),
            ],
          },
        ],
      },
    ],
  },
  {
    uid: "courses-runtime",
    title: "Courses — runtime",
    description:
      "CPU, memory, the JavaScript heap and the event loop of each instance (Bun: no GC metrics exist; heap from bun:jsc heapStats)",
    rows: [
      {
        title: "Process",
        panels: [
          {
            title: "CPU (user, system)",
            unit: "percentunit",
            description: "Share of one core",
            targets: [
              t(`rate(process_cpu_user_seconds_total{${I}}[$__rate_interval])`, "user {{instance}}"),
              t(`rate(process_cpu_system_seconds_total{${I}}[$__rate_interval])`, "system {{instance}}"),
            ],
          },
          {
            title: "Resident memory",
            unit: "bytes",
            targets: [t(`process_resident_memory_bytes{${I}}`, "{{instance}}")],
          },
          {
            title: "Open file descriptors",
            unit: "short",
            targets: [
              t(`process_open_fds{${I}}`, "open {{instance}}"),
              t(`process_max_fds{${I}}`, "limit {{instance}}"),
            ],
          },
          {
            title: "Uptime",
            unit: "s",
            kind: "stat",
            targets: [t(`time() - process_start_time_seconds{${I}}`, "{{instance}}")],
          },
        ],
      },
      {
        title: "JavaScript",
        panels: [
          {
            title: "Heap used / reserved",
            unit: "bytes",
            targets: [
              t(`bun_heap_size_bytes{${I}}`, "used {{instance}}"),
              t(`bun_heap_capacity_bytes{${I}}`, "reserved {{instance}}"),
            ],
          },
          {
            title: "Memory held by heap objects outside the heap",
            unit: "bytes",
            targets: [t(`bun_heap_extra_memory_bytes{${I}}`, "{{instance}}")],
          },
          {
            title: "Event-loop lag",
            unit: "s",
            targets: [t(`runtime_event_loop_lag_seconds{${I}, stat=~"p50|p99|max"}`, "{{stat}} {{instance}}")],
          },
          { title: "Heap objects", unit: "short", targets: [t(`bun_heap_objects{${I}}`, "{{instance}}")] },
          {
            title: "Build",
            unit: "short",
            kind: "stat",
            targets: [t(`build_info{${I}}`, "{{version}} {{revision}} {{runtime}}")],
          },
        ],
      },
    ],
  },
  {
    uid: "courses-dependencies",
    title: "Courses — MongoDB, Kafka and the outbox",
    description: "The store's latency and pool, the broker's traffic and lag, and the outbox between them",
    rows: [
      {
        title: "MongoDB",
        panels: [
          {
            title: "Commands by operation",
            unit: "ops",
            targets: [
              t(
                `sum by (operation) (rate(mongodb_command_duration_seconds_count{${I}}[$__rate_interval]))`,
                "{{operation}}",
              ),
            ],
          },
          {
            title: "Command latency p99 by operation",
            unit: "s",
            targets: [
              t(
                `histogram_quantile(0.99, sum by (le, operation) (rate(mongodb_command_duration_seconds_bucket{${I}}[$__rate_interval])))`,
                "{{operation}}",
              ),
            ],
          },
          {
            title: "Failed commands",
            unit: "ops",
            targets: [
              t(
                `sum by (operation) (rate(mongodb_command_duration_seconds_count{${I}, outcome="error"}[$__rate_interval])) or vector(0)`,
                "{{operation}}",
              ),
            ],
          },
          {
            title: "Connection pool",
            unit: "short",
            targets: [
              t(`sum by (state) (mongodb_pool_connections{${I}})`, "{{state}}"),
              t(`max(mongodb_pool_max_connections{${I}})`, "max per pool"),
            ],
          },
        ],
      },
      {
        title: "Outbox",
        panels: [
          {
            title: "Pending events",
            unit: "short",
            targets: [
              t(`max(outbox_pending_events{${I}})`, "events"),
              t(`max(outbox_pending_courses{${I}})`, "courses"),
            ],
          },
          {
            title: "Oldest pending event",
            unit: "s",
            targets: [t(`max(outbox_oldest_pending_age_seconds{${I}})`, "age")],
          },
          {
            title: "Published",
            unit: "cps",
            targets: [t(`sum(rate(outbox_events_published_total{${I}}[$__rate_interval]))`, "events/s")],
          },
          {
            title: "Publish failures and parked events",
            unit: "short",
            targets: [
              t(`sum(increase(outbox_publish_failures_total{${I}}[$__rate_interval]))`, "failures"),
              t(`max(outbox_parked_events{${I}})`, "parked"),
            ],
          },
        ],
      },
      {
        title: "Kafka",
        panels: [
          {
            title: "Messages produced / consumed",
            unit: "cps",
            targets: [
              t(`sum by (topic) (rate(kafka_messages_produced_total{${I}}[$__rate_interval]))`, "produced {{topic}}"),
              t(`sum by (topic) (rate(kafka_messages_consumed_total{${I}}[$__rate_interval]))`, "consumed {{topic}}"),
            ],
          },
          {
            title: "Consumer lag by partition",
            unit: "short",
            targets: [t(`max by (topic, partition) (kafka_consumer_lag_messages{${I}})`, "{{topic}}/{{partition}}")],
          },
          {
            title: "Dead-lettered",
            unit: "short",
            targets: [
              t(`sum by (topic) (increase(kafka_messages_dead_lettered_total{${I}}[$__rate_interval]))`, "{{topic}}"),
            ],
          },
          {
            title: "Enrollment events by outcome",
            unit: "cps",
            targets: [t(`sum by (outcome) (rate(enrollment_events_total{${I}}[$__rate_interval]))`, "{{outcome}}")],
          },
          {
            title: "Dependencies up",
            unit: "short",
            kind: "stat",
            targets: [t(`min by (dependency) (dependency_up{${I}})`, "{{dependency}}")],
          },
        ],
      },
    ],
  },
  {
    uid: "courses-scraper",
    title: "Courses — scraper",
    description: "Runs, items and freshness of each scraper source",
    rows: [
      {
        title: "Sources",
        panels: [
          {
            title: "Runs by source and outcome",
            unit: "short",
            targets: [
              t(
                `sum by (source, outcome) (increase(scraper_runs_total{${I}}[$__rate_interval]))`,
                "{{source}} {{outcome}}",
              ),
            ],
          },
          {
            title: "Items by source and outcome",
            unit: "short",
            targets: [
              t(
                `sum by (source, outcome) (increase(scraper_items_total{${I}}[$__rate_interval]))`,
                "{{source}} {{outcome}}",
              ),
            ],
          },
          {
            title: "Run duration p95",
            unit: "s",
            targets: [
              t(
                `histogram_quantile(0.95, sum by (le, source) (rate(scraper_run_duration_seconds_bucket{${I}}[$__rate_interval])))`,
                "{{source}}",
              ),
            ],
          },
          {
            title: "Since the last success",
            unit: "s",
            targets: [t(`time() - max by (source) (scraper_last_success_timestamp_seconds{${I}})`, "{{source}}")],
          },
          {
            title: "Consecutive failures",
            unit: "short",
            targets: [t(`max by (source) (scraper_consecutive_failures{${I}})`, "{{source}}")],
          },
          {
            title: "Bytes fetched",
            unit: "Bps",
            targets: [t(`sum by (source) (rate(scraper_fetched_bytes_total{${I}}[$__rate_interval]))`, "{{source}}")],
          },
        ],
      },
    ],
  },
];

/** Grafana's dashboard JSON (schema 39) for one dashboard. */
export function toGrafana(d: Dashboard): Record<string, unknown> {
  let id = 0;
  let y = 0;
  const panels: unknown[] = [];
  for (const row of d.rows) {
    panels.push({
      type: "row",
      title: row.title,
      id: ++id,
      collapsed: false,
      gridPos: { x: 0, y: y++, w: 24, h: 1 },
      panels: [],
    });
    row.panels.forEach((p, i) => {
      const w = row.panels.length === 1 ? 24 : row.panels.length === 2 ? 12 : 8;
      const perRow = 24 / w;
      panels.push({
        type: p.kind ?? "timeseries",
        title: p.title,
        ...(p.description ? { description: p.description } : {}),
        id: ++id,
        datasource: { type: "prometheus", uid: "prometheus" },
        gridPos: { x: (i % perRow) * w, y: y + Math.floor(i / perRow) * 8, w, h: 8 },
        fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
        options:
          p.kind === "stat"
            ? { reduceOptions: { calcs: ["lastNotNull"] }, textMode: "value_and_name" }
            : { legend: { displayMode: "list", placement: "bottom" } },
        targets: p.targets.map((tg, k) => ({
          refId: String.fromCharCode(65 + k),
          datasource: { type: "prometheus", uid: "prometheus" },
          expr: tg.expr,
          legendFormat: tg.legendFormat,
          exemplar: true,
        })),
      });
    });
    y += Math.ceil(row.panels.length / (24 / (row.panels.length === 1 ? 24 : row.panels.length === 2 ? 12 : 8))) * 8;
  }
  return {
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: ["courses"],
    timezone: "browser",
    schemaVersion: 39,
    version: 1,
    editable: true,
    refresh: "10s",
    time: { from: "now-1h", to: "now" },
    templating: {
      list: [
        {
          name: "instance",
          label: "instance",
          type: "query",
          datasource: { type: "prometheus", uid: "prometheus" },
          query: { query: 'label_values(build_info{service=~"courses.*"}, instance)', refId: "instance" },
          definition: 'label_values(build_info{service=~"courses.*"}, instance)',
          includeAll: true,
          multi: true,
          allValue: ".*",
          current: { text: "All", value: "$__all" },
          refresh: 2,
          sort: 1,
        },
      ],
    },
    links: DASHBOARDS.filter((o) => o.uid !== d.uid).map((o) => ({
      type: "link",
      title: o.title,
      url: `/d/${o.uid}`,
      keepTime: true,
      includeVars: true,
    })),
    panels,
  };
}
