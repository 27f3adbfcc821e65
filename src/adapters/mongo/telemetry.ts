// MongoDB spans and metrics from the driver's own events, by hand: OpenTelemetry's
// auto-instrumentation patches modules at load time and does nothing in a `bun build --compile`
// binary. A CLIENT span per command, child of the caller's context (the driver keeps the
// AsyncLocalStorage context through to its events), with the command's name, collection, database
// and server — never a document, a filter value or the connection string. Latency by operation;
// pool usage from the connection-pool events.
import { context, SpanKind, SpanStatusCode, type Span, type Tracer } from "@opentelemetry/api";
import type { CommandFailedEvent, CommandStartedEvent, CommandSucceededEvent, MongoClient } from "mongodb";
import type { Metrics } from "../telemetry/metrics.ts";

/** Handshake and session plumbing: measured, not traced. */
const UNTRACED = new Set([
  "hello",
  "ismaster",
  "isMaster",
  "saslStart",
  "saslContinue",
  "endSessions",
  "ping",
  "buildInfo",
]);

export function instrumentMongo(client: MongoClient, tracer: Tracer, metrics: Metrics, maxPoolSize: number): void {
  const spans = new Map<string, Span>();
  const key = (e: { connectionId?: unknown; requestId: number }) => `${String(e.connectionId)}:${e.requestId}`;
  client.on("commandStarted", (e: CommandStartedEvent) => {
    if (UNTRACED.has(e.commandName)) return;
    const collection = e.command?.[e.commandName];
    const [host, port] = splitAddress(e.address);
    const span = tracer.startSpan(
      typeof collection === "string" ? `${e.commandName} ${collection}` : e.commandName,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          "db.system": "mongodb",
          "db.operation.name": e.commandName,
          ...(typeof collection === "string" ? { "db.collection.name": collection } : {}),
          "db.namespace": e.databaseName,
          "server.address": host,
          ...(port ? { "server.port": port } : {}),
        },
      },
      context.active(),
    );
    spans.set(key(e), span);
  });
  const finish = (e: CommandSucceededEvent | CommandFailedEvent, failed: boolean) => {
    metrics.mongoCommandDuration.observe(
      { operation: e.commandName, outcome: failed ? "error" : "ok" },
      e.duration / 1000,
    );
    const span = spans.get(key(e));
    if (!span) return;
    spans.delete(key(e));
    if (failed) {
      const err = (e as CommandFailedEvent).failure;
      // The error's class and code only: server messages can quote the values of the command.
      span.setStatus({ code: SpanStatusCode.ERROR, message: err?.name ?? "error" });
      const code = (err as { code?: unknown })?.code;
      if (code !== undefined) span.setAttribute("db.response.status_code", String(code));
    }
    span.end();
  };
  client.on("commandSucceeded", (e) => finish(e, false));
  client.on("commandFailed", (e) => finish(e, true));

  let total = 0;
  let inUse = 0;
  const report = () => {
    metrics.mongoPoolConnections.set({ state: "in_use" }, inUse);
    metrics.mongoPoolConnections.set({ state: "idle" }, Math.max(0, total - inUse));
  };
  metrics.mongoPoolMax.set(maxPoolSize);
  report();
  client.on("connectionCreated", () => {
    total++;
    report();
  });
  client.on("connectionClosed", () => {
    total = Math.max(0, total - 1);
    report();
  });
  client.on("connectionCheckedOut", () => {
    inUse++;
    report();
  });
  client.on("connectionCheckedIn", () => {
    inUse = Math.max(0, inUse - 1);
    report();
  });
}

function splitAddress(address: string): [string, number | undefined] {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  return m ? [m[1]!, Number(m[2])] : [address, undefined];
}
