// Prometheus metrics of the service. Every metric is named once, here.
import { Counter, Gauge, Histogram, type OpenMetricsContentType, Registry } from "prom-client";
import { registerRuntimeMetrics } from "./runtime-metrics.ts";

export interface BuildLabels {
  version: string;
  revision: string;
  runtime: string;
}

/** GET /healthz answered by Bun's router: a plain count, added to http_requests_total when it is read. */
export interface LivenessCount {
  answered: number;
  reported: number;
}
const LIVENESS_LABELS = { method: "GET", route: "/healthz", status: "200" } as const;

export function createMetrics(labels: { service: string; environment: string }, build?: BuildLabels) {
  // OpenMetrics, so histograms can carry trace exemplars; /metrics serves the classic text format
  // to scrapers that do not ask for OpenMetrics (prometheusText below).
  const registry = new Registry<OpenMetricsContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  registry.setDefaultLabels(labels);
  registerRuntimeMetrics(registry);
  if (build)
    new Gauge({
      name: "build_info",
      help: "Always 1; the labels say which build runs (version, git revision, Bun version)",
      labelNames: ["version", "revision", "runtime"] as const,
      registers: [registry],
    }).set(build, 1);
  const mongoPool = { total: 0, inUse: 0 };
  const liveness: LivenessCount = { answered: 0, reported: 0 };
  return {
    registry,
    liveness,
    httpInFlight: new Gauge({
      name: "http_requests_in_flight",
      help: "HTTP requests being handled right now",
      registers: [registry],
    }),
    mongoCommandDuration: new Histogram({
      name: "mongodb_command_duration_seconds",
      help: "MongoDB operation latency seen by the service (pool wait included), by command name and outcome (ok, error)",
      labelNames: ["operation", "outcome"] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    /** The driver's connections, counted from its pool events and read at scrape time (no work per request). */
    mongoPool,
    mongoPoolConnections: new Gauge({
      name: "mongodb_pool_connections",
      help: "Connections of the driver's pools, by state (in_use, idle)",
      labelNames: ["state"] as const,
      registers: [registry],
      collect() {
        this.set({ state: "in_use" }, mongoPool.inUse);
        this.set({ state: "idle" }, Math.max(0, mongoPool.total - mongoPool.inUse));
      },
    }),
    mongoPoolMax: new Gauge({
      name: "mongodb_pool_max_connections",
      help: "Configured maximum size of each of the driver's connection pools",
      registers: [registry],
    }),
    kafkaProduced: new Counter({
      name: "kafka_messages_produced_total",
      help: "Messages the broker acknowledged, by topic",
      labelNames: ["topic"] as const,
      registers: [registry],
    }),
    kafkaConsumed: new Counter({
      name: "kafka_messages_consumed_total",
      help: "Messages consumed and committed, by topic",
      labelNames: ["topic"] as const,
      registers: [registry],
    }),
    kafkaDeadLettered: new Counter({
      name: "kafka_messages_dead_lettered_total",
      help: "Messages sent to a dead-letter topic, by the topic they came from",
      labelNames: ["topic"] as const,
      registers: [registry],
    }),
    kafkaConsumerLag: new Gauge({
      name: "kafka_consumer_lag_messages",
      help: "Messages behind the partition's high watermark after the last batch, by topic and partition",
      labelNames: ["topic", "partition"] as const,
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: "http_requests_total",
      help: "HTTP requests handled, by method, route template and status code",
      labelNames: ["method", "route", "status"] as const,
      registers: [registry],
      // Liveness probes are answered before the request handler and counted with a bare integer
      // (server.ts livenessRoute); they join the counter when it is read.
      collect() {
        const d = liveness.answered - liveness.reported;
        if (d > 0) {
          this.inc(LIVENESS_LABELS, d);
          liveness.reported += d;
        }
      },
    }),
    httpDuration: new Histogram({
      name: "http_request_duration_seconds",
      help: "HTTP request latency, by method, route template and status code; trace_id exemplars",
      labelNames: ["method", "route", "status"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      enableExemplars: true,
      registers: [registry],
    }),
    readinessChecks: new Histogram({
      name: "readiness_check_duration_seconds",
      help: "Duration of readiness checks, by dependency and outcome",
      labelNames: ["dependency", "outcome"] as const,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5],
      registers: [registry],
    }),
    dependencyUp: new Gauge({
      name: "dependency_up",
      help: "1 when the dependency answered its last readiness check, else 0",
      labelNames: ["dependency"] as const,
      registers: [registry],
    }),
    outboxPending: new Gauge({
      name: "outbox_pending_events",
      help: "Course events written but not yet published to Kafka (computed from the store)",
      registers: [registry],
    }),
    outboxPendingCourses: new Gauge({
      name: "outbox_pending_courses",
      help: "Courses with unpublished events",
      registers: [registry],
    }),
    outboxOldestAge: new Gauge({
      name: "outbox_oldest_pending_age_seconds",
      help: "Age of the oldest unpublished course event (0 when none)",
      registers: [registry],
    }),
    outboxParked: new Gauge({
      name: "outbox_parked_events",
      help: "Events the broker refused for good, parked in outbox_parked",
      registers: [registry],
    }),
    outboxPublished: new Counter({
      name: "outbox_events_published_total",
      help: "Course events published to Kafka",
      registers: [registry],
    }),
    outboxFailures: new Counter({
      name: "outbox_publish_failures_total",
      help: "Failed attempts to publish course events",
      registers: [registry],
    }),
    outboxParkedTotal: new Counter({
      name: "outbox_events_parked_total",
      help: "Events parked after the broker refused them maxAttempts times, by reason",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    outboxLeasesLost: new Counter({
      name: "outbox_leases_lost_total",
      help: "Course leases a relay lost while publishing (another relay took over)",
      registers: [registry],
    }),
    enrollmentConsumerCrashes: new Counter({
      name: "enrollment_consumer_crashes_total",
      help: "Times the enrollment consumer's message stream failed (the broker away longer than the client's retries, or an error it does not retry); each is restarted with backoff",
      registers: [registry],
    }),
    enrollmentSkipped: new Counter({
      name: "enrollment_events_skipped_total",
      help: "Fetched enrollment events left alone because their partition went to another member in a rebalance (its new owner reads them from the committed offset)",
      registers: [registry],
    }),
    enrollmentEvents: new Counter({
      name: "enrollment_events_total",
      help: "Enrollment events consumed, by outcome (applied, duplicate, clamped, dead_lettered, retry)",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    scraperRuns: new Counter({
      name: "scraper_runs_total",
      help: "Scraper source runs, by source and outcome (imported, not_modified, failed, skipped)",
      labelNames: ["source", "outcome"] as const,
      registers: [registry],
    }),
    scraperItems: new Counter({
      name: "scraper_items_total",
      help: "Scraped items, by source and outcome (created, updated, unchanged, failed)",
      labelNames: ["source", "outcome"] as const,
      registers: [registry],
    }),
    scraperRunDuration: new Histogram({
      name: "scraper_run_duration_seconds",
      help: "Duration of a source's run (fetch, parse, import), by source",
      labelNames: ["source"] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
    scraperFetchedBytes: new Counter({
      name: "scraper_fetched_bytes_total",
      help: "Bytes of documents read (after decompression), by source",
      labelNames: ["source"] as const,
      registers: [registry],
    }),
    scraperConsecutiveFailures: new Gauge({
      name: "scraper_consecutive_failures",
      help: "Failed runs of a source since its last successful one, by source",
      labelNames: ["source"] as const,
      registers: [registry],
    }),
    scraperLastSuccess: new Gauge({
      name: "scraper_last_success_timestamp_seconds",
      help: "Unix time of the last successful run of a source (imported or not modified)",
      labelNames: ["source"] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

export const PROMETHEUS_TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/**
 * The classic Prometheus text format from an OpenMetrics exposition: exemplars and `# EOF`
 * dropped, `# UNIT` lines dropped, and counter families named with their `_total` samples' name.
 */
export function prometheusText(openMetrics: string): string {
  const counters = new Set<string>();
  for (const m of openMetrics.matchAll(/^# TYPE (\S+) counter$/gm)) counters.add(m[1]!);
  const out: string[] = [];
  for (const line of openMetrics.split("\n")) {
    if (line === "# EOF" || line.startsWith("# UNIT ")) continue;
    const meta = /^# (HELP|TYPE) (\S+)( .*)?$/.exec(line);
    if (meta && counters.has(meta[2]!) && !meta[2]!.endsWith("_total")) {
      out.push(`# ${meta[1]} ${meta[2]}_total${meta[3] ?? ""}`);
      continue;
    }
    out.push(line.replace(/ # \{.*$/, ""));
  }
  return out.join("\n");
}
