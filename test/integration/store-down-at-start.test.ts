// A service started while MongoDB is down serves (not ready), and becomes ready and writes once
// the store is back — without a restart. (Driver 7.9 keeps a topology it closed after a failed
// first connection; src/adapters/mongo/client.ts drops it so the next operation reconnects.)
import { expect, it } from "bun:test";
import { join } from "node:path";
import { serviceEnv, startService } from "../support/service.ts";
import { dropDatabases, eventually, stack, uniqueName } from "../support/stack.ts";

it("starts while the store is down, reports not ready, then recovers on its own when it returns", async () => {
  const s = await stack();
  if (s.origin !== "environment")
    throw new Error("this test stops and starts the native store of `bun run stack`; run it through `bun run test`");
  const stackCli = (cmd: string) =>
    Bun.spawn(["bun", join(import.meta.dir, "../../ops/stack/cli.ts"), cmd, "mongo"], {
      stdout: "pipe",
      stderr: "pipe",
    }).exited;
  const database = uniqueName("it_down").replaceAll("-", "_");
  expect(await stackCli("down")).toBe(0);
  let svc: Awaited<ReturnType<typeof startService>> | undefined;
  try {
    svc = await startService(
      serviceEnv(s, {
        COURSES_MONGO_DATABASE: database,
        COURSES_MONGO_SERVER_SELECTION_TIMEOUT: "500ms",
        COURSES_TELEMETRY_TRACING_ENABLED: "false",
      }),
    );
    // It listens without waiting for the store: alive, not ready, and the API names the store.
    expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
    const down = await fetch(`${svc.url}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ checks: { mongo: "failed" } });
    const early = await fetch(`${svc.url}/v1/courses/any`);
    expect(early.status).toBe(503);
    expect(await early.json()).toMatchObject({ code: "store_unavailable" });
  } finally {
    expect(await stackCli("up")).toBe(0);
  }
  try {
    await eventually(
      "ready once the store is back",
      async () => ((await fetch(`${svc!.url}/readyz`)).status === 200 ? true : undefined),
      60_000,
      500,
    );
    const res = await fetch(`${svc!.url}/v1/courses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        title: "After the outage",
        language: "en",
        level: "beginner",
        instructor: { id: "i", name: "I" },
      }),
    });
    expect(res.status).toBe(201);
  } finally {
    await svc?.stop();
    await dropDatabases(s.mongoUrl, [database]);
  }
}, 120_000);
