// MongoDB connection from config, replica-set ready. Works against MongoDB and the stack's mongo-java-server.
import { MongoClient, type MongoClientOptions, type ReadPreferenceMode, type W } from "mongodb";
import type { DependencyCheck } from "../../app/readiness.ts";
import { log } from "../../../lib/xlog/index.ts";

/** What the client needs of the configuration (config.ts's `mongo` section fits it). */
export interface MongoSettings {
  url: string;
  replicaSet: string;
  readPreference: string;
  writeConcern: string;
  retryWrites: boolean;
  maxPoolSize: number;
  minPoolSize: number;
  /** Milliseconds, as the durations below. */
  connectTimeout: number;
  serverSelectionTimeout: number;
  socketTimeout: number;
}

export function mongoClientOptions(cfg: MongoSettings, appName: string): MongoClientOptions {
  const w: W = /^\d+$/.test(cfg.writeConcern) ? Number(cfg.writeConcern) : (cfg.writeConcern as W);
  return {
    appName,
    ...(cfg.replicaSet ? { replicaSet: cfg.replicaSet } : {}),
    readPreference: cfg.readPreference as ReadPreferenceMode,
    writeConcern: { w },
    retryWrites: cfg.retryWrites,
    retryReads: true,
    maxPoolSize: cfg.maxPoolSize,
    minPoolSize: cfg.minPoolSize,
    connectTimeoutMS: cfg.connectTimeout,
    serverSelectionTimeoutMS: cfg.serverSelectionTimeout,
    socketTimeoutMS: cfg.socketTimeout,
    // No command monitoring: the driver would decode every reply twice to build its events;
    // spans and latency come from adapters/mongo/telemetry.ts's instrumentDb.
    monitorCommands: false,
  };
}

export function createMongoClient(cfg: MongoSettings, appName: string): MongoClient {
  const client = new MongoClient(cfg.url, mongoClientOptions(cfg, appName));
  // Driver 7.9: when the first connection fails (the store is down at start), it closes the new
  // topology but keeps it, so every later operation fails with "Topology is closed" even after
  // the store is back. Dropping the dead topology lets the next operation connect afresh.
  // (A closed client — our shutdown — is left alone: the driver refuses it on its own.)
  client.on("topologyClosed", () => {
    queueMicrotask(() => {
      const c = client as unknown as { topology?: { isDestroyed(): boolean } };
      if (c.topology?.isDestroyed()) {
        c.topology = undefined;
        log().info("store topology closed by the driver: the next operation connects afresh");
      }
    });
  });
  // For the on-call engineer: when the driver drops its connections to a server (the server went
  // away or answered with a network error), one line — not one per failed operation.
  client.on("connectionPoolCleared", (e) => {
    log().warn({ server: e.address }, "store connection pool cleared: reconnecting");
  });
  return client;
}

/** Ready when the server answers and, if given, the migrations have been applied. */
export function mongoCheck(
  client: MongoClient,
  database: string,
  migrated: () => boolean = () => true,
): DependencyCheck {
  return {
    name: "mongo",
    check: async () => {
      await client.db(database).command({ ping: 1 });
      if (!migrated()) throw new Error("migrations not applied yet");
    },
  };
}
