// A service started while MongoDB is down serves (not ready), and becomes ready and writes once
// the store is back — without a restart. (Driver 7.9 keeps a topology it closed after a failed
// first connection; src/adapters/mongo/client.ts drops it so the next operation reconnects.)
import { expect, it } from "bun:test";
import { ownStore } from "../support/own-servers.ts";
import { serviceEnv, startService } from "../support/service.ts";
import { eventually, stack } from "../support/stack.ts";

it("starts while the store is down, reports not ready, then recovers on its own when it returns", async () => {
  // A store of its own, down before the service starts: the shared one stays up for the files
  // running beside this one.
  const store = await ownStore(await stack(), "memory");
  await store.down();
  let svc: Awaited<ReturnType<typeof startService>> | undefined;
  try {
    svc = await startService(
      serviceEnv(await stack(), {
        COURSES_MONGO_URL: store.url,
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
    await store.up();
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
    await store.stop();
  }
}, 120_000);
