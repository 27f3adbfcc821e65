// A rolling deploy that drops nothing: after SIGTERM the instance says it is not ready at once,
// keeps serving new requests for shutdown.drainDelay (load balancers stop routing meanwhile),
// then closes the listener; a request admitted before that finishes even though it outlives the
// drain, and the process exits 0 within its deadline.
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { connect } from "node:net";
import { MongoClient } from "mongodb";
import { serviceEnv, startService, type RunningService } from "../support/service.ts";
import { dropDatabases, stack, uniqueName, type StackEndpoints } from "../support/stack.ts";

let s: StackEndpoints;
let svc: RunningService;
const database = uniqueName("it_drain").replaceAll("-", "_");
beforeAll(async () => {
  s = await stack();
  svc = await startService(
    serviceEnv(s, {
      COURSES_MONGO_DATABASE: database,
      COURSES_TELEMETRY_TRACING_ENABLED: "false",
      COURSES_LOG_LEVEL: "info",
      // Long enough for the checks below on a loaded 2-core machine (/readyz runs its checks).
      COURSES_SHUTDOWN_DRAIN_DELAY: "4s",
      COURSES_HTTP_REQUEST_TIMEOUT: "8s",
      COURSES_SHUTDOWN_DEADLINE: "15s",
    }),
    { args: ["serve", "--modules=api"] },
  );
});
afterAll(async () => {
  await dropDatabases(s.mongoUrl, [database]);
});

/** Whether a new connection to the instance is accepted. */
const listening = () =>
  new Promise<boolean>((resolve) => {
    const sock = connect(svc.port, "127.0.0.1");
    sock.once("connect", () => {
      sock.destroy();
      resolve(true);
    });
    sock.once("error", () => resolve(false));
  });

describe("drain on SIGTERM", () => {
  it("not ready at once, still serving during the drain, then closed; an admitted request outliving the drain completes; exit 0", async () => {
    const title = `Drained course ${crypto.randomUUID().slice(0, 8)}`;
    const body = JSON.stringify({ title, language: "en", level: "beginner", instructor: { id: "i", name: "I" } });
    // A request admitted before the signal whose body arrives only after the drain.
    const sock = connect(svc.port, "127.0.0.1");
    await new Promise((r) => sock.once("connect", r));
    let answer = "";
    const answered = new Promise<void>((resolve) => {
      sock.on("data", (d: Buffer) => {
        answer += d.toString();
        if (answer.includes("\r\n\r\n") && answer.includes("}")) resolve();
      });
      sock.on("close", () => resolve());
    });
    const half = Math.floor(body.length / 2);
    sock.write(
      `POST /v1/courses HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, half)}`,
    );
    expect((await fetch(`${svc.url}/readyz`)).status).toBe(200);

    process.kill(svc.pid, "SIGTERM");
    // Not ready at once, yet serving: a new connection gets its answer.
    const readyz = await fetch(`${svc.url}/readyz`);
    expect(readyz.status).toBe(503);
    expect(JSON.stringify(await readyz.json())).toContain("shutting-down");
    expect((await fetch(`${svc.url}/v1/courses?limit=1`)).status).toBe(200);
    expect(await listening()).toBe(true);

    // Then the listener closes (bounded wait: the drain is 4 s).
    let open = true;
    for (let i = 0; i < 100 && open; i++) {
      await Bun.sleep(100);
      open = await listening();
    }
    expect(open).toBe(false);
    // The admitted request is still in flight: its body completes now, after the drain.
    expect(answer).toBe("");
    sock.write(body.slice(half));
    await answered;
    sock.destroy();
    expect(answer).toStartWith("HTTP/1.1 201");

    expect(await svc.exited).toBe(0);
    const drained = svc.entries().find((e) => e.msg === "draining: not ready, still serving");
    expect(drained).toMatchObject({ drainDelayMs: 4000 });
    const mongo = new MongoClient(s.mongoUrl);
    try {
      expect(await mongo.db(database).collection("courses").countDocuments({ title })).toBe(1);
    } finally {
      await mongo.close();
    }
  }, 60_000);
});
