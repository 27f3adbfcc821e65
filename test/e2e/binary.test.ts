// The compiled binary as users run it (built once by test/support/binary.ts with `bun run build`'s
// command): its command line, its modules, graceful shutdown under load, and the image's runtime.
// The API itself is exercised against the same binary by courses-api.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { copyFileSync, mkdirSync, rmSync, chmodSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { dirname, join } from "node:path";
import { MongoClient } from "mongodb";
import pkg from "../../package.json" with { type: "json" };
import { helpText } from "../../src/cli.ts";
import { courseBinary } from "../support/binary.ts";
import { run } from "../support/run.ts";
import { serviceEnv, startService, TEST_AUTH_SECRET, testToken, type RunningService } from "../support/service.ts";
import { dropDatabases, eventually, stack, uniqueName, type StackEndpoints } from "../support/stack.ts";

const ROOT = join(import.meta.dir, "../..");
let s: StackEndpoints;
let bin: string;
const databases: string[] = [];
beforeAll(async () => {
  [s, bin] = await Promise.all([stack(), courseBinary()]);
});
afterAll(() => dropDatabases(s.mongoUrl, databases));

function freshDatabase(): string {
  const name = uniqueName("it_bin").replaceAll("-", "_");
  databases.push(name);
  return name;
}

async function runBinary(args: string[], env: Record<string, string> = {}) {
  return run([bin, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
}

const course = (title: string) =>
  JSON.stringify({ title, language: "en", level: "beginner", instructor: { id: "i-1", name: "Ada" } });

describe("command line", () => {
  it("--version names the package version and the git revision baked in at build time", async () => {
    const git = Bun.spawnSync(["git", "rev-parse", "--short=12", "HEAD"], { cwd: ROOT }).stdout.toString().trim();
    const { stdout, code } = await runBinary(["--version"]);
    expect(code).toBe(0);
    expect(stdout).toStartWith(`courses ${pkg.version} (revision ${git}`);
    expect(stdout).toMatch(/built \d{4}-\d\d-\d\dT/);
  });

  it("--help prints the help text (every command, module and exit code: src/cli.test.ts) on stdout, exit 0", async () => {
    const { stdout, code } = await runBinary(["--help"]);
    expect(code).toBe(0);
    const revision = (await runBinary(["--version"])).stdout.match(/revision (\S+?)[,)]/)![1]!;
    expect(stdout).toBe(`${helpText({ version: pkg.version, revision })}\n`);
  });

  it.each([[["--bogus"]], [["frob"]], [["serve", "--modules=api,nope"]], [["migrate", "extra"]]])(
    "%p is a usage error: exit 2, a message on stderr, nothing started",
    async (args) => {
      const { stdout, stderr, code } = await runBinary(args, { COURSES_MONGO_URL: "mongodb://127.0.0.1:1/" });
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toContain("courses --help");
    },
  );

  it("a --config file that does not exist is a configuration failure: exit 1", async () => {
    const { stderr, code } = await runBinary(["migrate", "--config", "/nonexistent/courses.yaml"]);
    expect(code).toBe(1);
    expect(stderr).toContain("/nonexistent/courses.yaml");
  });
});

describe("modules", () => {
  it("a worker-only replica (relay, consumer) serves health, readiness and metrics, and no API", async () => {
    const svc = await startService(
      serviceEnv(s, { COURSES_MONGO_DATABASE: freshDatabase(), COURSES_TELEMETRY_TRACING_ENABLED: "false" }),
      { args: ["serve", "--modules=relay,consumer"] },
    );
    try {
      expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
      // Ready once its consumer has joined the group (not ready meanwhile: it cannot work yet).
      const ready = await eventually(
        "worker ready",
        async () => {
          const r = await fetch(`${svc.url}/readyz`);
          return r.status === 200 ? r : undefined;
        },
        20_000,
        50,
      );
      expect(await ready.json()).toEqual({
        status: "ready",
        checks: { mongo: "ok", kafka: "ok", "enrollment-consumer": "ok" },
      });
      const metrics = await (await fetch(`${svc.url}/metrics`)).text();
      expect(metrics).toContain("outbox_pending_events");
      const api = await fetch(`${svc.url}/v1/courses`);
      expect(api.status).toBe(404);
      expect(api.headers.get("content-type")).toBe("application/problem+json");
      expect((await fetch(`${svc.url}/openapi.json`)).status).toBe(404);
      expect(svc.entries().find((e) => e.msg === "listening")).toMatchObject({ modules: ["relay", "consumer"] });
    } finally {
      await svc.stop();
    }
  });

  it("without Kafka, a worker-only replica is not ready while an API replica stays ready (degraded)", async () => {
    const noKafka = {
      COURSES_KAFKA_BROKERS: "127.0.0.1:1",
      COURSES_KAFKA_CONNECTION_TIMEOUT: "300ms",
      COURSES_TELEMETRY_TRACING_ENABLED: "false",
    };
    const [worker, api] = await Promise.all([
      startService(serviceEnv(s, { ...noKafka, COURSES_MONGO_DATABASE: freshDatabase() }), {
        args: ["--modules", "relay"],
      }),
      startService(serviceEnv(s, { ...noKafka, COURSES_MONGO_DATABASE: freshDatabase() }), {
        args: ["serve", "-m", "api"],
      }),
    ]);
    try {
      const w = await fetch(`${worker.url}/readyz`);
      expect(w.status).toBe(503);
      expect(await w.json()).toMatchObject({ checks: { kafka: "failed" }, detail: expect.stringContaining("kafka") });
      const a = await fetch(`${api.url}/readyz`);
      expect(a.status).toBe(200);
      expect(await a.json()).toEqual({ status: "degraded", checks: { mongo: "ok", kafka: "failed" } });
    } finally {
      await Promise.all([worker.stop(), api.stop()]);
    }
  });
});

/** A POST whose body arrives in two parts: in flight from its headers until `finish()`. */
function slowPost(port: number, path: string, body: string) {
  const socket = connect(port, "127.0.0.1");
  const half = Math.floor(body.length / 2);
  let raw = "";
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    socket.on("data", (d) => (raw += d.toString()));
    socket.on("error", reject);
    socket.on("close", () => {
      const [head = "", ...rest] = raw.split("\r\n\r\n");
      resolve({ status: Number(head.split(" ")[1]), body: rest.join("\r\n\r\n") });
    });
  });
  const sent = new Promise<void>((resolve) =>
    socket.on("connect", () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, half)}`,
        () => resolve(),
      );
    }),
  );
  return { sent, finish: () => socket.write(body.slice(half)), response };
}

describe("graceful shutdown", () => {
  it("SIGTERM with requests in flight: each completes, then exit 0 within the deadline", async () => {
    const database = freshDatabase();
    const svc = await startService(
      serviceEnv(s, {
        COURSES_MONGO_DATABASE: database,
        COURSES_TELEMETRY_TRACING_ENABLED: "false",
        COURSES_SHUTDOWN_DEADLINE: "10s",
        COURSES_HTTP_REQUEST_TIMEOUT: "5s",
      }),
    );
    const titles = [1, 2, 3].map((i) => `In flight ${i} ${uniqueName("t")}`);
    const posts = titles.map((t) => slowPost(svc.port, "/v1/courses", course(t)));
    await Promise.all(posts.map((p) => p.sent));
    await Bun.sleep(100); // the server has read the headers and is waiting for the bodies
    const exited = svc.stop("SIGTERM");
    await Bun.sleep(300); // shutdown has begun while the bodies are still arriving
    for (const p of posts) p.finish();
    const responses = await Promise.all(posts.map((p) => p.response));
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201]);
    // Exit 0: every callback finished before the deadline (a passed deadline forces exit code 3).
    expect(await exited).toBe(0);
    expect(svc.entries().some((e) => String(e.msg).includes("deadline passed"))).toBe(false);
    expect(svc.entries().find((e) => e.msg === "shutdown complete")).toMatchObject({ reason: "SIGTERM" });
    // Nothing was lost: every course the clients were told about is in the store.
    const client = new MongoClient(s.mongoUrl);
    try {
      const stored = await client
        .db(database)
        .collection("courses")
        .find({ title: { $in: titles } })
        .toArray();
      expect(stored.map((c) => c.title).sort()).toEqual([...titles].sort());
    } finally {
      await client.close();
    }
  }, 60_000);
});

/**
 * The final image stage is the binary, its production config and the shared libraries `ldd` names
 * (distroless/cc holds them), run as uid 65532. This builds exactly that root filesystem, plus what
 * every container runtime mounts (/proc), and runs the binary in it through chroot.
 */
describe("image runtime (chroot as uid 65532)", () => {
  const why =
    process.getuid?.() !== 0
      ? "needs root for chroot and mount"
      : Bun.spawnSync(["unshare", "--mount", "true"]).exitCode !== 0
        ? "unshare --mount is not permitted here"
        : "";
  if (why) console.warn(`[skip] image runtime test: ${why}`);

  it.skipIf(Boolean(why))(
    "serves, reports ready, writes, answers its healthcheck and stops cleanly with nothing else in the root filesystem",
    async () => {
      const rootfs = join(ROOT, ".stack/rootfs");
      rmSync(rootfs, { recursive: true, force: true });
      for (const d of ["config", "etc/ssl/certs", "tmp", "proc", "home/nonroot"])
        mkdirSync(join(rootfs, d), { recursive: true });
      chmodSync(join(rootfs, "tmp"), 0o1777);
      copyFileSync(bin, join(rootfs, "courses"));
      chmodSync(join(rootfs, "courses"), 0o755);
      copyFileSync(join(ROOT, "config/production.yaml"), join(rootfs, "config/production.yaml"));
      const libs = Bun.spawnSync(["ldd", bin]).stdout.toString().match(/\/\S+/g) ?? [];
      expect(libs.length).toBeGreaterThan(0);
      for (const lib of libs) {
        mkdirSync(join(rootfs, dirname(lib)), { recursive: true });
        copyFileSync(lib, join(rootfs, lib));
      }
      writeFileSync(
        join(rootfs, "etc/passwd"),
        "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n",
      );
      writeFileSync(join(rootfs, "etc/group"), "root:x:0:\nnonroot:x:65532:\n");
      copyFileSync("/etc/ssl/certs/ca-certificates.crt", join(rootfs, "etc/ssl/certs/ca-certificates.crt"));

      const port = freePort();
      const env = {
        // The image's environment (Dockerfile), and the deployment's addresses: nothing from this process.
        COURSES_CONFIG_FILES: "/config/production.yaml",
        COURSES_HTTP_PORT: String(port),
        COURSES_MONGO_URL: s.mongoUrl,
        COURSES_MONGO_DATABASE: freshDatabase(),
        COURSES_KAFKA_BROKERS: s.kafkaBrokers.join(","),
        COURSES_TELEMETRY_TRACING_ENABLED: "false",
        COURSES_ENROLLMENTS_GROUP_ID: uniqueName("it-chroot"),
        COURSES_AUTH_HS256_SECRET: TEST_AUTH_SECRET,
      };
      const inImage = (...args: string[]) => [
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        `mount -t proc proc ${rootfs}/proc && exec /usr/sbin/chroot --userspec=65532:65532 ${rootfs} /courses "$@"`,
        "sh",
        ...args,
      ];
      const svc: RunningService = await startService(env, { command: inImage("serve"), isolatedEnv: true });
      try {
        expect(svc.entries().find((e) => e.msg === "starting")).toMatchObject({ env: "production" });
        const ready = await eventually(
          "ready in the image",
          async () => {
            const b = (await (await fetch(`${svc.url}/readyz`)).json()) as { status: string; checks: unknown };
            return b.status === "ready" ? b : undefined;
          },
          20_000,
          50,
        );
        expect(ready).toEqual({
          status: "ready",
          checks: { mongo: "ok", kafka: "ok", "enrollment-consumer": "ok" },
        });
        const created = await fetch(`${svc.url}/v1/courses`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${await testToken()}` },
          body: course("Made in a chroot"),
        });
        expect(created.status).toBe(201);
        expect((await fetch(`${svc.url}/docs`)).status).toBe(200);
        // The image's HEALTHCHECK: the binary asks its own /healthz.
        const health = Bun.spawn(inImage("healthcheck"), { env, stdout: "ignore", stderr: "pipe" });
        expect(await health.exited).toBe(0);
        // It runs as the unprivileged user, not as root.
        const status = await Bun.file(`/proc/${svc.pid}/status`).text();
        expect(status).toMatch(/^Uid:\s+65532\s/m);
      } finally {
        expect(await svc.stop()).toBe(0);
        rmSync(rootfs, { recursive: true, force: true });
      }
    },
    90_000,
  );
});

function freePort(): number {
  const server = Bun.serve({ port: 0, fetch: () => new Response() });
  const port = server.port!;
  server.stop(true);
  return port;
}
