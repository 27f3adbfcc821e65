import { describe, expect, it } from "bun:test";
import { join } from "node:path";
import { EXIT, ShutdownCoordinator, type ShutdownLogger } from "./index.ts";

const quiet: ShutdownLogger = { info() {}, warn() {}, error() {} };

/** Starts the fixture, waits for "ready", sends the signals, returns exit code and output. */
async function runChild(scenario: string, signals: NodeJS.Signals[], gapMs = 100) {
  const proc = Bun.spawn(["bun", join(import.meta.dir, "testdata/child.ts"), scenario], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const reader = proc.stdout.getReader();
  let out = "";
  while (!out.includes("ready\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`child exited before ready: ${out}`);
    out += new TextDecoder().decode(value);
  }
  const t0 = Date.now();
  for (const [i, sig] of signals.entries()) {
    if (i > 0) await Bun.sleep(gapMs);
    proc.kill(sig);
  }
  const code = await proc.exited;
  const ms = Date.now() - t0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    out += new TextDecoder().decode(value);
  }
  const err = await new Response(proc.stderr).text();
  return { code, ms, out, err };
}

describe("xshutdown in a real process", () => {
  it("an unhandled rejection goes through the shutdown: one JSON line, every phase, exit 1", async () => {
    const r = await runChild("rejection", []);
    expect(r.code).toBe(EXIT.failure);
    expect(r.out).toContain("mongo closed");
    const fatal = r.err
      .split("\n")
      .filter((l) => l.includes('"fatal error"'))
      .map((l) => JSON.parse(l));
    expect(fatal).toEqual([
      expect.objectContaining({ reason: "unhandled rejection", error: "module failed to start" }),
    ]);
    // Not Bun's own report of an unhandled error (a source excerpt and a stack).
    expect(r.err).not.toContain("error: module failed to start");
  });

  it("runs phases in order on SIGTERM and exits 0", async () => {
    const r = await runChild("clean", ["SIGTERM"]);
    expect(r.code).toBe(EXIT.ok);
    const lines = r.out.trim().split("\n").slice(1);
    expect(lines[0]).toBe("intake closed");
    expect(lines[1]).toBe("loop stopped");
    expect(lines.slice(2, 4).sort()).toEqual(["kafka closed", "mongo closed"]);
    expect(lines[4]).toBe("telemetry flushed");
    expect(r.err).toContain("shutdown complete");
  });

  it("abandons a hanging callback at its timeout, goes on, and exits with the failure code", async () => {
    const r = await runChild("hang", ["SIGINT"]);
    expect(r.code).toBe(EXIT.failure);
    expect(r.out).toContain("telemetry flushed");
    expect(r.err).toContain("stuck-client");
    expect(r.err).toContain("abandoned");
  });

  it("forces exit on a second signal", async () => {
    const r = await runChild("slow", ["SIGTERM", "SIGTERM"], 200);
    // Without the forced exit the slow drain would end and the code would be 0.
    expect(r.code).toBe(EXIT.forced);
    expect(r.err).toContain("second signal");
  });

  it("forces exit when the global deadline passes", async () => {
    const r = await runChild("deadline", ["SIGTERM"]);
    expect(r.code).toBe(EXIT.forced);
    expect(r.err).toContain("deadline passed");
  });

  it("reports a throwing callback by name once and reflects it in the exit code", async () => {
    const r = await runChild("error", ["SIGTERM"]);
    expect(r.code).toBe(EXIT.failure);
    expect(r.out).toContain("fine closed");
    expect(r.err.match(/broken-client/g)).toHaveLength(1);
    expect(r.err).toContain("socket hang up");
  });
});

describe("ShutdownCoordinator", () => {
  it("runs each callback once however often shutdown is called", async () => {
    const c = new ShutdownCoordinator({ logger: quiet, exit: () => {} });
    let calls = 0;
    c.register("once", () => void calls++);
    const [a, b] = await Promise.all([c.shutdown("one"), c.shutdown("two")]);
    await c.shutdown("three");
    expect(calls).toBe(1);
    expect(a).toBe(b);
    expect(a.reason).toBe("one");
  });

  it("runs callbacks of one phase concurrently", async () => {
    const c = new ShutdownCoordinator({ logger: quiet, exit: () => {} });
    const steps: string[] = [];
    for (const n of ["a", "b", "c"])
      c.register(
        n,
        async () => {
          steps.push(`start ${n}`);
          await Bun.sleep(50);
          steps.push(`end ${n}`);
        },
        { phase: "clients" },
      );
    const report = await c.shutdown();
    // Every callback started before any ended: they ran together, not one after another.
    expect(steps.slice(0, 3).sort()).toEqual(["start a", "start b", "start c"]);
    expect(report.results.map((r) => r.outcome)).toEqual(["ok", "ok", "ok"]);
  });

  it("tells workers to stop and waits until they drain", async () => {
    const c = new ShutdownCoordinator({ logger: quiet, exit: () => {} });
    const w = c.worker("relay");
    let finished = false;
    w.signal.addEventListener("abort", () =>
      setTimeout(() => {
        finished = true;
        w.drained();
      }, 50),
    );
    const report = await c.shutdown();
    expect(finished).toBe(true);
    expect(report.exitCode).toBe(EXIT.ok);
  });

  it("passes an abort signal that fires when a callback times out", async () => {
    const c = new ShutdownCoordinator({ logger: quiet, exit: () => {} });
    let aborted = false;
    c.register(
      "slow",
      (signal) =>
        new Promise<void>((resolve) =>
          signal.addEventListener("abort", () => {
            aborted = true;
            resolve();
          }),
        ),
      { timeoutMs: 50 },
    );
    const report = await c.shutdown();
    expect(aborted).toBe(true);
    expect(report.results[0]!.outcome).toBe("timeout");
  });

  it("refuses an unknown phase and lets a registration be removed", async () => {
    const c = new ShutdownCoordinator({ logger: quiet, exit: () => {} });
    expect(() => c.register("x", () => {}, { phase: "later" })).toThrow(/unknown phase/);
    let ran = false;
    const remove = c.register("x", () => {
      ran = true;
    });
    remove();
    await c.shutdown();
    expect(ran).toBe(false);
  });

  it("aborts its own signal when shutdown starts", async () => {
    const c = new ShutdownCoordinator({ logger: quiet, exit: () => {} });
    expect(c.signal.aborted).toBe(false);
    await c.shutdown();
    expect(c.signal.aborted).toBe(true);
    expect(c.isShuttingDown).toBe(true);
  });
});

describe("sleepUnlessAborted", () => {
  // Ten-minute sleeps under a 5 s test timeout: only the signal can end them in time.
  it("returns at once when the signal has already aborted, and early when it aborts", async () => {
    const { sleepUnlessAborted } = await import("./index.ts");
    await sleepUnlessAborted(600_000, AbortSignal.abort());
    const c = new AbortController();
    setTimeout(() => c.abort(), 30);
    await sleepUnlessAborted(600_000, c.signal);
    expect(c.signal.aborted).toBe(true);
  }, 5_000);
});
