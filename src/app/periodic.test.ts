import { describe, expect, it } from "bun:test";
import { ShutdownCoordinator } from "../../lib/xshutdown/index.ts";
import { runPeriodically } from "./periodic.ts";

const quiet = { info() {}, warn() {}, error() {} };

describe("runPeriodically", () => {
  it("drains promptly when shutdown starts while the job is running", async () => {
    const c = new ShutdownCoordinator({ logger: quiet, exit: () => {}, defaultTimeoutMs: 2000 });
    let runs = 0;
    void runPeriodically(
      "slow-job",
      60_000,
      async () => {
        runs++;
        await Bun.sleep(100);
      },
      c.worker("job"),
    );
    await Bun.sleep(20);
    const t0 = Date.now();
    const report = await c.shutdown();
    expect(report.exitCode).toBe(0);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(runs).toBe(1);
  });

  it("keeps running after a failing job", async () => {
    const c = new ShutdownCoordinator({ logger: quiet, exit: () => {} });
    let runs = 0;
    void runPeriodically(
      "flaky",
      10,
      async () => {
        runs++;
        throw new Error("boom");
      },
      c.worker("job"),
    );
    await Bun.sleep(100);
    await c.shutdown();
    expect(runs).toBeGreaterThan(2);
  });
});
