// A clean mongo-java-server of its own, for tests and benchmarks that fill a store with
// thousands of courses (the stack's store keeps a file; 20,000 inserts there take a minute).
// Same launcher and version as the stack's store; where the stack came from testcontainers, the
// caller uses a fresh database on that MongoDB instead.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mongoPing, mongoStoreCommand } from "../../ops/stack/services.ts";
import type { StackEndpoints } from "./stack.ts";

export interface MemoryStore {
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export function memoryStore(s: StackEndpoints): Promise<MemoryStore> {
  return ownStore(s, "memory");
}

/** A store of its own: in memory, or on a new H2 file (removed by stop()) like the stack's. */
export async function ownStore(
  s: StackEndpoints,
  backend: "memory" | "h2",
  extraArgs: string[] = [],
): Promise<MemoryStore> {
  if (s.origin !== "environment") return { url: s.mongoUrl, stop: async () => {} };
  const port = await freePort();
  const [cmd, ...args] = mongoStoreCommand(backend === "memory" ? "768m" : "1g");
  const dir = backend === "h2" ? mkdtempSync(join(tmpdir(), "courses-store-")) : undefined;
  const backendArgs = dir ? ["--backend", "h2", "--file", join(dir, "store.mv")] : ["--backend", "memory"];
  const proc = Bun.spawn([cmd!, ...args, "--host", "127.0.0.1", "--port", String(port), ...backendArgs, ...extraArgs], {
    stdout: "ignore",
    stderr: "pipe",
  });
  const url = `mongodb://127.0.0.1:${port}/`;
  const deadline = Date.now() + 30_000;
  while (!(await mongoPing(url))) {
    if (proc.exitCode !== null)
      throw new Error(`the in-memory store exited with ${proc.exitCode}: ${await new Response(proc.stderr).text()}`);
    if (Date.now() > deadline) throw new Error("the in-memory store did not answer within 30 s");
    await Bun.sleep(200);
  }
  return {
    url,
    stop: async () => {
      proc.kill("SIGTERM");
      await proc.exited;
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
