// MongoDB spans and latency, measured where the adapters call the driver, against the real store.
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { SpanStatusCode } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { type Db, MongoClient } from "mongodb";
import { instrumentDb, mongoServer } from "../../src/adapters/mongo/telemetry.ts";
import { createMetrics } from "../../src/adapters/telemetry/metrics.ts";
import { stack, uniqueName } from "../support/stack.ts";

let client: MongoClient;
let raw: Db;
let url: string;
beforeAll(async () => {
  url = (await stack()).mongoUrl;
  client = new MongoClient(url);
  raw = client.db(uniqueName("it_mongo_tel").replaceAll("-", "_"));
});
afterAll(async () => {
  await raw.dropDatabase().catch(() => {});
  await client.close();
});

describe("instrumentDb", () => {
  it("gives each operation a span and a latency by command and outcome, with names and never values", async () => {
    const exporter = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer("t");
    const metrics = createMetrics({ service: "t", environment: "test" });
    const db = instrumentDb(raw, { tracer, metrics, server: mongoServer(url) });
    const col = db.collection<{ _id: string; secret: string }>("things");
    expect(db.collection<{ _id: string; secret: string }>("things")).toBe(col);

    await col.insertOne({ _id: "a", secret: "value-never-in-a-span" });
    const dup = await col.insertOne({ _id: "a", secret: "value-never-in-a-span" }).catch((e: unknown) => e);
    expect((dup as { code?: number }).code).toBe(11000);
    expect(await col.findOne({ _id: "a" })).toEqual({ _id: "a", secret: "value-never-in-a-span" });
    const cursor = col.find({ secret: "value-never-in-a-span" }).sort({ _id: 1 }).limit(5);
    expect(exporter.getFinishedSpans().filter((s) => s.name === "find things")).toHaveLength(1);
    expect(await cursor.toArray()).toHaveLength(1);

    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(["insert things", "insert things", "find things", "find things"]);
    expect(spans[0]!.attributes).toMatchObject({
      "db.system": "mongodb",
      "db.operation.name": "insert",
      "db.collection.name": "things",
      "db.namespace": raw.databaseName,
      "server.address": mongoServer(url).address,
    });
    expect(spans[1]!.status).toEqual({ code: SpanStatusCode.ERROR, message: "MongoServerError" });
    expect(spans[1]!.attributes["db.response.status_code"]).toBe("11000");
    expect(JSON.stringify(spans.map((s) => [s.name, s.attributes, s.status]))).not.toContain("value-never");

    const text = await metrics.registry.metrics();
    const count = (op: string, outcome: string) =>
      Number(
        text.match(
          new RegExp(
            `^mongodb_command_duration_seconds_count\\{[^}]*operation="${op}",outcome="${outcome}"[^}]*\\} (\\d+)`,
            "m",
          ),
        )?.[1] ?? 0,
      );
    expect([count("insert", "ok"), count("insert", "error"), count("find", "ok")]).toEqual([1, 1, 2]);
  });
});
