// MongoDB spans and metrics, by hand: OpenTelemetry's auto-instrumentation patches modules at
// load time and does nothing in a `bun build --compile` binary. A CLIENT span per operation,
// child of the caller's context, with the command's name, collection, database and server —
// never a document, a filter value or the connection string. Latency by command; pool usage from
// the connection-pool events.
//
// Operations are measured where the adapters call the driver (a Proxy over the Db and its
// collections), not from the driver's command events: with `monitorCommands` the driver decodes
// every reply a second time to build its CommandSucceededEvent (its cost: docs/PERFORMANCE.md,
// measured decisions). The figure is the latency the service sees: pool wait and server
// selection included, a cursor's getMores inside its find.
import { context, SpanKind, type SpanOptions, SpanStatusCode, type Tracer } from "@opentelemetry/api";
import type { Collection, Db, MongoClient } from "mongodb";
import type { Metrics } from "../telemetry/metrics.ts";

/** Collection methods that run one command, by the command's name; anything else passes through. */
const COMMANDS: Record<string, string> = {
  findOne: "find",
  insertOne: "insert",
  insertMany: "insert",
  updateOne: "update",
  updateMany: "update",
  replaceOne: "update",
  deleteOne: "delete",
  deleteMany: "delete",
  findOneAndUpdate: "findAndModify",
  findOneAndReplace: "findAndModify",
  findOneAndDelete: "findAndModify",
  countDocuments: "aggregate",
  estimatedDocumentCount: "count",
  distinct: "distinct",
  bulkWrite: "bulkWrite",
  createIndex: "createIndexes",
  createIndexes: "createIndexes",
  dropIndex: "dropIndexes",
  indexes: "listIndexes",
  drop: "drop",
};
/** Methods that return a cursor: measured from the call to the end of its toArray(). */
const CURSORS: Record<string, string> = { find: "find", aggregate: "aggregate", listIndexes: "listIndexes" };

export interface MongoTelemetry {
  tracer: Tracer;
  metrics: Metrics;
  /** The configured server (host[:port] of the connection string's first host), for spans. */
  server: { address: string; port?: number };
}

/** The Db, with every collection it hands out measured and traced. */
export function instrumentDb(db: Db, t: MongoTelemetry): Db {
  const collections = new Map<string, Collection>();
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== "collection") return Reflect.get(target, prop, receiver);
      return (name: string, options?: Parameters<Db["collection"]>[1]) => {
        if (options) return instrumentCollection(target.collection(name, options), target.databaseName, t);
        let c = collections.get(name);
        if (!c) {
          c = instrumentCollection(target.collection(name), target.databaseName, t);
          collections.set(name, c);
        }
        return c;
      };
    },
  });
}

function instrumentCollection<T extends Collection>(col: T, database: string, t: MongoTelemetry): T {
  const wrapped = new Map<string, unknown>();
  // A span's name and options depend on the command only: built once per command, so an
  // unsampled operation builds no strings and no attribute objects.
  const spanOptions = new Map<string, { name: string; options: SpanOptions }>();
  const optionsOf = (command: string) => {
    let o = spanOptions.get(command);
    if (!o) {
      o = {
        name: `${command} ${col.collectionName}`,
        options: {
          kind: SpanKind.CLIENT,
          attributes: {
            "db.system": "mongodb",
            "db.operation.name": command,
            "db.collection.name": col.collectionName,
            "db.namespace": database,
            "server.address": t.server.address,
            ...(t.server.port ? { "server.port": t.server.port } : {}),
          },
        },
      };
      spanOptions.set(command, o);
    }
    return o;
  };
  const measure = <R>(command: string, run: () => Promise<R>): Promise<R> => {
    const { name, options } = optionsOf(command);
    const span = t.tracer.startSpan(name, options, context.active());
    const t0 = performance.now();
    const done = (failed: unknown) => {
      t.metrics.mongoCommandDuration.observe(
        { operation: command, outcome: failed ? "error" : "ok" },
        (performance.now() - t0) / 1000,
      );
      if (failed) {
        const err = failed as { name?: string; code?: unknown };
        // The error's class and code only: server messages can quote the values of the command.
        span.setStatus({ code: SpanStatusCode.ERROR, message: err?.name ?? "error" });
        if (err?.code !== undefined) span.setAttribute("db.response.status_code", String(err.code));
      }
      span.end();
    };
    let p: Promise<R>;
    try {
      p = run();
    } catch (e) {
      done(e ?? true);
      throw e;
    }
    return p.then(
      (r) => {
        done(undefined);
        return r;
      },
      (e) => {
        done(e ?? true);
        throw e;
      },
    );
  };
  return new Proxy(col, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof prop !== "string" || typeof value !== "function") return value;
      const command = COMMANDS[prop];
      const cursorCommand = CURSORS[prop];
      if (!command && !cursorCommand) return value;
      let fn = wrapped.get(prop);
      if (!fn) {
        const method = value as (...args: unknown[]) => unknown;
        fn = command
          ? (...args: unknown[]) => measure(command, () => method.apply(target, args) as Promise<unknown>)
          : (...args: unknown[]) => {
              const cursor = method.apply(target, args) as { toArray(): Promise<unknown[]> };
              const toArray = cursor.toArray.bind(cursor);
              cursor.toArray = () => measure(cursorCommand!, toArray);
              return cursor;
            };
        wrapped.set(prop, fn);
      }
      return fn;
    },
  });
}

/** Pool usage from the driver's connection-pool events (emitted whether or not commands are monitored). */
export function instrumentMongoPool(client: MongoClient, metrics: Metrics, maxPoolSize: number): void {
  const pool = metrics.mongoPool;
  metrics.mongoPoolMax.set(maxPoolSize);
  client.on("connectionCreated", () => {
    pool.total++;
  });
  client.on("connectionClosed", () => {
    pool.total = Math.max(0, pool.total - 1);
  });
  client.on("connectionCheckedOut", () => {
    pool.inUse++;
  });
  client.on("connectionCheckedIn", () => {
    pool.inUse = Math.max(0, pool.inUse - 1);
  });
}

/**
 * The first host of a connection string, for the spans' server.address / server.port: never the
 * credentials or the options.
 */
export function mongoServer(url: string): MongoTelemetry["server"] {
  const rest = url.replace(/^mongodb(\+srv)?:\/\//, "");
  const hosts = rest.slice(rest.lastIndexOf("@", rest.search(/[/?]|$/)) + 1).split(/[/?]/)[0] ?? "";
  const first = hosts.split(",")[0] ?? "";
  const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(first);
  return m ? { address: m[1]!, ...(m[2] ? { port: Number(m[2]) } : {}) } : { address: "unknown" };
}
