// A process that registers shutdown callbacks for one scenario, prints "ready", and waits for signals.
import { configureShutdown } from "../index.ts";

const scenario = process.argv[2];
const say = (s: string) => process.stdout.write(`${s}\n`);
const coordinator = configureShutdown({
  defaultTimeoutMs: 2000,
  deadlineMs: scenario === "deadline" ? 300 : 20_000,
})
  .listen()
  .exitOnCrash();

switch (scenario) {
  case "clean": {
    const worker = coordinator.worker("consumer-loop");
    (async () => {
      while (!worker.signal.aborted) await Bun.sleep(10);
      say("loop stopped");
      worker.drained();
    })();
    coordinator.register("http-server", () => say("intake closed"), { phase: "intake" });
    coordinator.register("mongo", async () => {
      await Bun.sleep(20);
      say("mongo closed");
    }, { phase: "clients" });
    coordinator.register("kafka", () => say("kafka closed"), { phase: "clients" });
    coordinator.register("tracer", () => say("telemetry flushed"), { phase: "telemetry" });
    break;
  }
  case "hang":
    coordinator.register("stuck-client", () => new Promise(() => {}), { phase: "clients", timeoutMs: 200 });
    coordinator.register("tracer", () => say("telemetry flushed"), { phase: "telemetry" });
    break;
  case "slow":
  case "deadline":
    coordinator.register("slow-drain", () => Bun.sleep(5000), { phase: "drain", timeoutMs: 10_000 });
    break;
  case "error":
    coordinator.register("broken-client", () => {
      throw new Error("close failed: socket hang up");
    }, { phase: "clients" });
    coordinator.register("fine-client", () => say("fine closed"), { phase: "clients" });
    break;
  case "rejection":
    coordinator.register("mongo", () => say("mongo closed"), { phase: "clients" });
    // A lazily started module whose start fails, with nobody awaiting it.
    setTimeout(() => void Promise.reject(new Error("module failed to start")), 50);
    break;
}
// Keep the event loop alive like a server would.
setInterval(() => {}, 1 << 30);
say("ready");
