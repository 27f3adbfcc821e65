// The service's configuration: one schema, documented once. Every leaf can be set in
// config/*.yaml or overridden with its COURSES_* env variable (see `courses config`).
import { existsSync } from "node:fs";
import { Duration, Secret, load, t, type Loaded, type Static } from "../lib/xconfig/index.ts";

export const ENV_PREFIX = "COURSES_";

export const ConfigSchema = t.Object({
  service: t.Object({
    name: t.String({ default: "courses", description: "service.name in traces, logs and metrics" }),
    environment: t.String({ default: "development", description: "deployment environment label" }),
    modules: t.Array(t.String(), {
      default: ["api", "relay", "consumer"],
      minItems: 1,
      description: "modules `serve` hosts: api, relay, consumer, scraper (comma-separated); `serve --modules` wins",
    }),
  }),
  http: t.Object({
    host: t.String({ default: "0.0.0.0", description: "address the HTTP server binds" }),
    port: t.Integer({ default: 8080, minimum: 0, maximum: 65535, description: "HTTP port; 0 picks a free one" }),
    bodyLimit: t.Integer({ default: 1_048_576, minimum: 1024, description: "largest accepted request body in bytes" }),
    idleTimeout: Duration({ default: "30s", description: "keep-alive idle timeout" }),
    metricsPort: t.Integer({
      default: 0,
      minimum: 0,
      maximum: 65535,
      description:
        "serve /metrics on this port only (not on the API port, so it need not be public); 0: on the API port",
    }),
    requestTimeout: Duration({
      default: "15s",
      description: "longest a request may take; past it the client gets a 503 problem (code request_timeout)",
    }),
    corsOrigins: t.Array(t.String(), {
      default: [],
      description: "browser origins allowed to call the API (CORS); empty: CORS off",
    }),
  }),
  log: t.Object({
    level: t.Union(
      [
        t.Literal("trace"),
        t.Literal("debug"),
        t.Literal("info"),
        t.Literal("warn"),
        t.Literal("error"),
        t.Literal("silent"),
      ],
      { default: "info" },
    ),
    format: t.Union([t.Literal("json"), t.Literal("pretty")], {
      default: "json",
      description: "pretty is for humans in development",
    }),
  }),
  mongo: t.Object({
    url: Secret({ default: "mongodb://127.0.0.1:27017/", description: "connection string; may hold credentials" }),
    database: t.String({ default: "courses" }),
    replicaSet: t.String({ default: "", description: "replica set name; empty for a standalone server" }),
    readPreference: t.Union(
      [
        t.Literal("primary"),
        t.Literal("primaryPreferred"),
        t.Literal("secondary"),
        t.Literal("secondaryPreferred"),
        t.Literal("nearest"),
      ],
      { default: "primary" },
    ),
    writeConcern: t.String({ default: "majority", description: "w: majority, or a number of members" }),
    retryWrites: t.Boolean({ default: true }),
    maxPoolSize: t.Integer({
      default: 100,
      minimum: 1,
      description:
        "connections per server (the driver's default); under 64 concurrent reads 20 queued requests for a connection: 0.75× the throughput",
    }),
    minPoolSize: t.Integer({ default: 0, minimum: 0 }),
    connectTimeout: Duration({ default: "5s" }),
    serverSelectionTimeout: Duration({ default: "5s" }),
    socketTimeout: Duration({ default: "30s" }),
    migrateOnStart: t.Boolean({ default: true, description: "apply pending migrations before serving" }),
  }),
  api: t.Object({
    idempotencyKeyTtl: Duration({ default: "24h", description: "how long an Idempotency-Key replays its response" }),
    idempotencyInProgressTimeout: Duration({
      default: "30s",
      description:
        "how long a key whose request never finished (a crash, or a failed request whose key could not be released) answers 409 idempotency_key_in_use before a retry may run it again; at least http.requestTimeout",
    }),
    housekeepingInterval: Duration({ default: "10m", description: "how often expired idempotency keys are deleted" }),
  }),
  auth: t.Object({
    enabled: t.Boolean({
      default: true,
      description:
        "writes need a bearer JWT with courses:write (delete: courses:admin); false only behind a gateway that checks",
    }),
    hs256Secret: Secret({ default: "", description: "HS256 signing secret of the tokens (or use jwksUrl)" }),
    jwksUrl: t.String({ default: "", description: "JWKS URL for RS256/ES256 tokens (cached; rotation picked up)" }),
    issuer: t.String({ default: "", description: "required iss of tokens; empty: not checked" }),
    audience: t.String({ default: "", description: "required aud of tokens; empty: not checked" }),
    scopeClaim: t.String({
      default: "scope",
      description: "claim holding the scopes (space-separated string or array)",
    }),
    clockSkew: Duration({ default: "30s", description: "tolerance for exp and nbf" }),
    requireForReads: t.Boolean({ default: false, description: "true: reads need a valid token too (any scope)" }),
    maxTokenLifetime: Duration({
      default: "24h",
      description:
        "tokens issued for longer than this are refused (exp - iat; without iat, exp - now); 0: no limit (exp is always required)",
    }),
    devToken: t.Boolean({
      default: false,
      description:
        "print a signed development token at start (HS256 only; refused when service.environment is production)",
    }),
  }),
  kafka: t.Object({
    brokers: t.Array(t.String(), {
      default: ["127.0.0.1:9092"],
      minItems: 1,
      description: "comma-separated host:port list",
    }),
    clientId: t.String({ default: "courses" }),
    connectionTimeout: Duration({ default: "3s" }),
    requestTimeout: Duration({ default: "10s" }),
    topicPartitions: t.Integer({ default: 3, minimum: 1, description: "partitions of topics the service creates" }),
    replicationFactor: t.Integer({ default: 1, minimum: 1, description: "replicas of topics the service creates" }),
  }),
  events: t.Object({
    topic: t.String({ default: "courses.events.v1", description: "topic of course domain events" }),
    source: t.String({ default: "/courses", description: "CloudEvents source attribute" }),
    pollInterval: Duration({
      default: "250ms",
      description: "how often an idle relay looks for events written by other processes (its own wake it at once)",
    }),
    retryBackoffMax: Duration({
      default: "10s",
      description: "longest wait between publish attempts while Kafka is down",
    }),
    leaseDuration: Duration({
      default: "30s",
      description: "how long a relay holds the courses it claimed; renewed while it publishes",
    }),
    batchMaxCourses: t.Integer({ default: 100, minimum: 1, description: "courses claimed per round" }),
    batchMaxEvents: t.Integer({ default: 500, minimum: 1, description: "events per producer call" }),
    batchMaxBytes: t.Integer({
      default: 524_288,
      minimum: 1024,
      description: "bytes of events per producer call; keep it under the broker's max.request.size",
    }),
    maxAttempts: t.Integer({
      default: 5,
      minimum: 1,
      description: "attempts before an event the broker refuses (too large, invalid) is parked in outbox_parked",
    }),
    outboxMaxEvents: t.Integer({
      default: 1000,
      minimum: 1,
      description: "a course with this many unpublished events refuses changes with 503 outbox_full",
    }),
    backlogInterval: Duration({
      default: "5s",
      description: "how often the outbox backlog metrics are computed from the store",
    }),
    sweepInterval: Duration({
      default: "5m",
      description:
        "how often courses are scanned for pending events that lost their marker (a crash between two writes)",
    }),
  }),
  enrollments: t.Object({
    topic: t.String({ default: "enrollments.events.v1" }),
    dlqTopic: t.String({
      default: "enrollments.events.v1.dlq",
      description: "where messages that can never succeed go",
    }),
    groupId: t.String({ default: "courses-enrollments" }),
    startFrom: t.Union([t.Literal("latest"), t.Literal("earliest")], {
      default: "latest",
      description:
        "where a group with no committed offset starts. earliest replays the topic: safe only while processedRetention covers the topic's retention (older events would be counted again)",
    }),
    partitionsConsumedConcurrently: t.Integer({ default: 1, minimum: 1 }),
    retryBackoffInitial: Duration({ default: "200ms" }),
    retryBackoffMax: Duration({ default: "30s" }),
    maxAttemptsOnBug: t.Integer({
      default: 5,
      minimum: 1,
      description: "attempts before an unexpected (non-transient) error dead-letters a message",
    }),
    processedRetention: Duration({
      default: "168h",
      description: "how long processed event ids are kept for deduplication",
    }),
  }),
  scraper: t.Object({
    sources: t.Array(
      t.Object(
        {
          name: t.String({ pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", description: "unique; a metric label" }),
          url: t.String({ description: "http(s) URL of the feed or catalog (its first page)" }),
          kind: t.Union(
            ["auto", "rss", "atom", "rdf", "jsonfeed", "catalog"].map((k) => t.Literal(k)),
            { default: "auto" },
          ),
          enabled: t.Boolean({ default: true }),
          interval: Duration({ default: "15m", description: "time between runs" }),
          timeout: Duration({ default: "30s", description: "longest a fetch may take" }),
          language: t.String({ default: "en", description: "for items whose feed names none" }),
          level: t.Union(
            ["beginner", "intermediate", "advanced"].map((k) => t.Literal(k)),
            { default: "beginner" },
          ),
          instructor: t.Optional(t.Object({ id: t.String(), name: t.String() }, { additionalProperties: false })),
          tags: t.Array(t.String(), { default: [], description: "added to every item's tags" }),
        },
        { additionalProperties: false },
      ),
      {
        default: [],
        description:
          "the catalogs and feeds to import (YAML list, or a JSON array in the variable); see docs/SCRAPER.md",
      },
    ),
    allowPrivateNetworks: t.Boolean({
      default: false,
      description: "true: sources may resolve to loopback, private or link-local addresses (tests, intranets)",
    }),
    userAgent: t.String({ default: "", description: "User-Agent of fetches; empty: courses-scraper/VERSION" }),
    propagateTraceContext: t.Boolean({
      default: false,
      description: "true: fetches carry our traceparent (feed hosts are third parties: off by default)",
    }),
    maxBodyBytes: t.Integer({
      default: 10_485_760,
      minimum: 1024,
      description: "largest document read, after decompression",
    }),
    maxRedirects: t.Integer({ default: 5, minimum: 0 }),
    concurrency: t.Integer({ default: 4, minimum: 1, description: "sources read at the same time" }),
    hostDelay: Duration({ default: "1s", description: "politeness: least time between two requests to one host" }),
    leaseDuration: Duration({
      default: "2m",
      description: "how long a process holds a source; renewed while it works",
    }),
    backoffInitial: Duration({ default: "30s", description: "first wait after a failed run; doubles per failure" }),
    backoffMax: Duration({ default: "1h", description: "longest wait after failed runs" }),
  }),
  telemetry: t.Object({
    tracingEnabled: t.Boolean({ default: true }),
    otlpEndpoint: t.String({
      default: "http://127.0.0.1:4318",
      description: "OTLP/HTTP base URL; /v1/traces is appended",
    }),
    sampleRatio: t.Number({ default: 1, minimum: 0, maximum: 1 }),
  }),
  readiness: t.Object({
    checkTimeout: Duration({ default: "2s", description: "how long one dependency check may take" }),
    requireKafka: t.Boolean({
      default: false,
      description:
        "true: not ready while Kafka is down. By default the API stays ready (the outbox holds events until Kafka returns); Kafka's state is in /readyz's body either way",
    }),
  }),
  shutdown: t.Object({
    drainDelay: Duration({
      default: "0s",
      description:
        "after SIGTERM: /readyz answers 503 at once while requests are still served this long (load balancers stop routing), then the listener closes",
    }),
    deadline: Duration({
      default: "30s",
      description: "hard limit for graceful shutdown; must exceed drainDelay + http.requestTimeout + 2s",
    }),
    callbackTimeout: Duration({
      default: "10s",
      description: "each shutdown step's limit (the HTTP step gets drainDelay + http.requestTimeout + 1s)",
    }),
  }),
});

export type Config = Static<typeof ConfigSchema>;

/**
 * Loads config/courses.yaml when present (or the files listed in COURSES_CONFIG_FILES, which
 * must exist), then env overrides.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Loaded<typeof ConfigSchema> {
  const listed = env[`${ENV_PREFIX}CONFIG_FILES`];
  const files = listed
    ? listed
        .split(",")
        .map((f) => f.trim())
        .filter(Boolean)
    : [];
  const optionalFiles = listed ? [] : ["config/courses.yaml"].filter((f) => existsSync(f));
  return load(ConfigSchema, { prefix: ENV_PREFIX, files, optionalFiles, env });
}
