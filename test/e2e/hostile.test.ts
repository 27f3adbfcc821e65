// Hostile and careless clients against the compiled binary: bodies built to stall the process,
// members the schema does not declare, bytes that are not text, methods a path does not answer,
// requests that never finish — each a clear 4xx/5xx problem that changes nothing. And an
// operator's view: start-up output is JSON log lines at info or below, nothing else.
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { connect } from "node:net";
import { serviceEnv, startService, type RunningService } from "../support/service.ts";
import { dropDatabases, stack, uniqueName, type StackEndpoints } from "../support/stack.ts";

let s: StackEndpoints;
let svc: RunningService;
const database = uniqueName("it_hostile").replaceAll("-", "_");
beforeAll(async () => {
  s = await stack();
  svc = await startService(
    serviceEnv(s, {
      COURSES_MONGO_DATABASE: database,
      COURSES_TELEMETRY_TRACING_ENABLED: "false",
      COURSES_LOG_LEVEL: "info",
      COURSES_HTTP_REQUEST_TIMEOUT: "1s",
      COURSES_HTTP_CORS_ORIGINS: "https://app.example",
    }),
  );
});
afterAll(async () => {
  await svc?.stop();
  await dropDatabases(s.mongoUrl, [database]);
});

const json = { "content-type": "application/json" };
const newCourse = (title: string) => ({ title, language: "en", level: "beginner", instructor: { id: "i", name: "I" } });
async function problem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  return (await res.json()) as { detail: string; code?: string; errors?: { field: string }[] };
}
const rssKiB = async (pid: number) =>
  Number(/^VmRSS:\s+(\d+)/m.exec(await Bun.file(`/proc/${pid}/status`).text())?.[1]);

describe("bodies built to stall the process", () => {
  it("refuses depth-100,000 and four parallel depth-10,000 bodies at once; /healthz stays fast; memory returns", async () => {
    const deep = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;
    const before = await rssKiB(svc.pid);
    let slowest = 0;
    let probing = true;
    let probes = 0;
    const probe = (async () => {
      while (probing) {
        const t0 = performance.now();
        expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
        probes++;
        slowest = Math.max(slowest, performance.now() - t0);
        await Bun.sleep(5);
      }
    })();
    const bodies = [deep(100_000), ...Array.from({ length: 4 }, () => deep(10_000))];
    const answers = await Promise.all(
      bodies.map((body) => fetch(`${svc.url}/v1/courses`, { method: "POST", headers: json, body })),
    );
    probing = false;
    await probe;
    for (const a of answers)
      expect((await problem(a, 400)).detail).toBe("The request body nests deeper than 32 levels.");
    // The probe was answered while the bad bodies were in flight (its latency is printed, not
    // asserted: timing belongs to bench/).
    expect(probes).toBeGreaterThan(0);
    Bun.gc(true);
    await Bun.sleep(500);
    const after = await rssKiB(svc.pid);
    expect(after).toBeLessThan(before * 1.2);
    console.error(`[hostile] 5 deep bodies: slowest /healthz ${slowest.toFixed(1)} ms; RSS ${before} → ${after} KiB`);
  });

  it("refuses bytes that are not UTF-8, and NUL or lone surrogates in text, naming the field", async () => {
    const bad = new Uint8Array([
      ...new TextEncoder().encode('{"title":"'),
      0xc3,
      0x28,
      ...new TextEncoder().encode('","language":"en"}'),
    ]);
    expect(
      (await problem(await fetch(`${svc.url}/v1/courses`, { method: "POST", headers: json, body: bad }), 400)).detail,
    ).toBe("The request body is not valid UTF-8.");
    const nul = await problem(
      await fetch(`${svc.url}/v1/courses`, { method: "POST", headers: json, body: '{"title":"a\\u0000b"}' }),
      400,
    );
    expect(nul.errors).toEqual([
      { field: "/title", message: "must not contain NUL or unpaired surrogate characters" },
    ] as never);
  });
});

describe("members and methods", () => {
  it("PATCH refuses undeclared and read-only members, naming each, and changes nothing", async () => {
    const created = (await (
      await fetch(`${svc.url}/v1/courses`, {
        method: "POST",
        headers: json,
        body: JSON.stringify(newCourse("Members course")),
      })
    ).json()) as {
      id: string;
      version: number;
    };
    const res = await fetch(`${svc.url}/v1/courses/${created.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/merge-patch+json" },
      body: JSON.stringify({ status: "published", enrollmentCount: 999, $set: { title: "x" } }),
    });
    const p = await problem(res, 400);
    expect(p.errors!.map((e) => e.field).sort()).toEqual(["/$set", "/enrollmentCount", "/status"]);
    expect(await (await fetch(`${svc.url}/v1/courses/${created.id}`)).json()).toMatchObject({
      version: created.version,
      status: "draft",
      enrollmentCount: 0,
    });
  });

  it("answers a method a known path does not take with 405 and Allow; an unknown path with 404", async () => {
    const res = await fetch(`${svc.url}/v1/courses`, { method: "DELETE" });
    await problem(res, 405);
    expect(res.headers.get("allow")).toBe("GET, POST");
    const item = await fetch(`${svc.url}/v1/courses/${crypto.randomUUID()}/publish`, { method: "GET" });
    await problem(item, 405);
    expect(item.headers.get("allow")).toBe("POST");
    // The most specific template decides, as routing does: /lessons/order is not /lessons/:lessonId.
    const order = await fetch(`${svc.url}/v1/courses/${crypto.randomUUID()}/lessons/order`, { method: "GET" });
    await problem(order, 405);
    expect(order.headers.get("allow")).toBe("PUT");
    // Also for the methods /lessons/:lessonId takes: "order" is not a lesson id.
    for (const method of ["PATCH", "DELETE"]) {
      const other = await fetch(`${svc.url}/v1/courses/${crypto.randomUUID()}/lessons/order`, {
        method,
        headers: { "content-type": "application/merge-patch+json" },
        body: method === "PATCH" ? "{}" : undefined,
      });
      await problem(other, 405);
      expect(other.headers.get("allow")).toBe("PUT");
    }
    await problem(await fetch(`${svc.url}/v1/nothing-here`), 404);
  });

  it("routes a request whose Host header is a single character (Elysia used to cut its path)", async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      let out = "";
      const socket = connect(svc.port, "127.0.0.1", () =>
        socket.write("GET /v1/courses?limit=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
      );
      socket.on("data", (d) => (out += d.toString()));
      socket.on("close", () => resolve(out));
      socket.on("error", reject);
    });
    expect(raw).toStartWith("HTTP/1.1 200");
    expect(raw).toContain('"items":');
  });
});

describe("headers", () => {
  it("sends Idempotent-Replayed on the wire in the case the spec documents", async () => {
    const body = JSON.stringify(newCourse(`Replayed ${crypto.randomUUID()}`));
    const key = crypto.randomUUID();
    const send = () =>
      new Promise<string>((resolve, reject) => {
        let out = "";
        const socket = connect(svc.port, "127.0.0.1", () =>
          socket.write(
            `POST /v1/courses HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nIdempotency-Key: ${key}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
          ),
        );
        socket.on("data", (d) => (out += d.toString()));
        socket.on("close", () => resolve(out));
        socket.on("error", reject);
      });
    expect(await send()).toStartWith("HTTP/1.1 201");
    const replay = await send();
    expect(replay).toStartWith("HTTP/1.1 201");
    // Header names are case-insensitive in HTTP, but some generated clients compare them exactly.
    expect(replay).toContain("\r\nIdempotent-Replayed: true\r\n");
  });

  it("nosniff everywhere, a Cache-Control per route, a CSP on /docs with no inline script", async () => {
    const get = (path: string) => fetch(`${svc.url}${path}`);
    for (const [path, cache] of [
      ["/healthz", "no-store"],
      ["/metrics", "no-store"],
      ["/v1/courses", "no-cache"],
      ["/openapi.json", "public, max-age=300"],
      ["/docs", "public, max-age=300"],
    ] as const) {
      const r = await get(path);
      expect([path, r.headers.get("x-content-type-options"), r.headers.get("cache-control")]).toEqual([
        path,
        "nosniff",
        cache,
      ]);
    }
    const docs = await get("/docs");
    expect(docs.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await docs.text();
    expect(html).not.toMatch(/<script>[^<]/);
    for (const src of html.matchAll(/src="([^"]+)"/g)) expect((await get(src[1]!)).status).toBe(200);
    const created = await fetch(`${svc.url}/v1/courses`, {
      method: "POST",
      headers: json,
      body: JSON.stringify(newCourse("Header course")),
    });
    expect(created.headers.get("cache-control")).toBe("no-store");
  });

  it("CORS: a preflight from an allowed origin is answered, other origins get no CORS headers", async () => {
    const pre = await fetch(`${svc.url}/v1/courses`, {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(pre.headers.get("access-control-allow-methods")).toContain("PATCH");
    const allowed = await fetch(`${svc.url}/v1/courses`, { headers: { origin: "https://app.example" } });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(allowed.headers.get("vary")).toContain("Origin");
    const other = await fetch(`${svc.url}/v1/courses`, { headers: { origin: "https://evil.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("deadlines and dependencies", () => {
  it("a request that does not finish within the deadline gets a 503 problem", async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      let raw = "";
      const socket = connect(svc.port, "127.0.0.1", () => {
        // Headers and half a body, then nothing: the handler waits for the rest.
        socket.write(
          'POST /v1/courses HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"title":',
        );
      });
      socket.on("data", (d) => {
        raw += d.toString();
        if (raw.includes("\r\n\r\n") && raw.includes("}")) {
          socket.destroy();
          resolve(raw);
        }
      });
      socket.on("error", reject);
    });
    expect(answer).toStartWith("HTTP/1.1 503");
    // Without the deadline (1 s here) nothing would answer before the socket's 30 s idle timeout,
    // past this test's own 10 s.
    expect(answer).toContain('"code":"request_timeout"');
  }, 10_000);

  it("a store that refuses the service's credentials is a 503 naming the store, not a 500", async () => {
    const other = await startService(
      serviceEnv(s, {
        COURSES_MONGO_URL: "mongodb://courses:not-the-password@127.0.0.1:27017/?authSource=admin",
        COURSES_MONGO_SERVER_SELECTION_TIMEOUT: "500ms",
        COURSES_MONGO_DATABASE: `${database}_auth`,
        COURSES_TELEMETRY_TRACING_ENABLED: "false",
      }),
    );
    try {
      const p = await problem(await fetch(`${other.url}/v1/courses`), 503);
      expect(p).toMatchObject({ code: "store_unavailable", detail: "The course store is unavailable; retry later." });
    } finally {
      await other.stop();
    }
  }, 30_000);
});

describe("metrics off the public port", () => {
  it("with http.metricsPort set, /metrics answers there and is a 404 on the API port", async () => {
    const probe = Bun.serve({ port: 0, fetch: () => new Response() });
    const metricsPort = probe.port!;
    probe.stop(true);
    const other = await startService(
      serviceEnv(s, {
        COURSES_MONGO_DATABASE: `${database}_m`,
        COURSES_TELEMETRY_TRACING_ENABLED: "false",
        COURSES_HTTP_METRICS_PORT: String(metricsPort),
      }),
    );
    try {
      await problem(await fetch(`${other.url}/metrics`), 404);
      expect((await fetch(`${other.url}/healthz`)).status).toBe(200);
      const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toMatch(/^build_info\{/m);
      expect(other.entries().find((e) => e.msg === "listening")).toMatchObject({
        metricsUrl: expect.stringContaining(`:${metricsPort}/metrics`),
      });
    } finally {
      await other.stop();
    }
  }, 30_000);
});

describe("what an operator reads", () => {
  it("start-up and first requests write only JSON log lines, at info or below", async () => {
    const fresh = await startService(
      serviceEnv(s, {
        COURSES_MONGO_DATABASE: `${database}_logs`,
        COURSES_TELEMETRY_TRACING_ENABLED: "false",
        COURSES_LOG_LEVEL: "info",
      }),
    );
    try {
      await fetch(`${fresh.url}/v1/courses`, {
        method: "POST",
        headers: json,
        body: JSON.stringify(newCourse("Quiet course")),
      });
      await fetch(`${fresh.url}/v1/courses?limit=5`);
      await Bun.sleep(3000); // the relay, the consumer joining its group, housekeeping
    } finally {
      await fresh.stop();
    }
    const offending = fresh.lines.filter((line) => {
      if (!line.trim()) return false;
      try {
        const entry = JSON.parse(line) as { level?: number };
        return typeof entry.level !== "number" || entry.level > 30;
      } catch {
        return true;
      }
    });
    expect(offending).toEqual([]);
    expect(fresh.lines.length).toBeGreaterThan(3);
  }, 60_000);
});
