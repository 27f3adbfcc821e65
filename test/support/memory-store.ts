// A clean, in-memory mongo-java-server of its own, for tests that fill a store with thousands of
// courses (the stack's store keeps a file; 20,000 inserts there take a minute). Same launcher
// and version as the stack's store; where the stack came from testcontainers, the test uses a
// fresh database on that MongoDB instead.
import { createServer } from "node:net";
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

export async function memoryStore(s: StackEndpoints): Promise<MemoryStore> {
  if (s.origin !== "environment") return { url: s.mongoUrl, stop: async () => {} };
  const port = await freePort();
  const [cmd, ...args] = mongoStoreCommand("768m");
  const proc = Bun.spawn([cmd!, ...args, "--host", "127.0.0.1", "--port", String(port), "--backend", "memory"], { stdout: "ignore", stderr: "pipe" });
  const url = `mongodb://127.0.0.1:${port}/`;
  const deadline = Date.now() + 30_000;
  while (!(await mongoPing(url))) {
    if (proc.exitCode !== null) throw new Error(`the in-memory store exited with ${proc.exitCode}: ${await new Response(proc.stderr).text()}`);
    if (Date.now() > deadline) throw new Error("the in-memory store did not answer within 30 s");
    await Bun.sleep(200);
  }
  return {
    url,
    stop: async () => {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}
