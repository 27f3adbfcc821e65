// The compose files, loaded by compose-go (the loader of Docker Compose v2, built from the Go module
// proxy: ops/compose/check), and the rules we keep for them. No Docker engine is needed.
import { beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { composeCheck } from "../../ops/compose/check.ts";
import { parseModules } from "../../src/cli.ts";
import { loadConfig } from "../../src/config.ts";

const ROOT = join(import.meta.dir, "../..");
const FILES = ["compose.yml", "compose.observability.yml"];

interface Service {
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
  restart?: string;
  networks?: Record<string, unknown>;
}
interface Project {
  name: string;
  services: Record<string, Service>;
  networks: Record<string, { name: string }>;
}

let checker: string;
const projects: Record<string, Project> = {};
beforeAll(async () => {
  checker = await composeCheck();
  for (const f of FILES) {
    const proc = Bun.spawnSync([checker, "-json", join(ROOT, f)], {
      env: { ...process.env, COURSES_VERSION: "", COURSES_REVISION: "", COURSES_AUTH_HS256_SECRET: "x".repeat(32) },
    });
    if (proc.exitCode !== 0) throw new Error(`${f}: ${proc.stderr.toString()}`);
    projects[f] = JSON.parse(proc.stdout.toString());
  }
}, 300_000);

/** compose-go writes durations as Go does ("30s", "1m30s"). */
const goDuration = (d: string) =>
  [...d.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)].reduce(
    (ms, [, n, u]) => ms + Number(n) * { ms: 1, s: 1e3, m: 6e4, h: 3.6e6 }[u as "s"],
    0,
  );

describe("compose files", () => {
  it("both load with the real Compose loader, and it rejects a broken file", () => {
    expect(Object.keys(projects)).toEqual(FILES);
    const dir = mkdtempSync(join(tmpdir(), "compose-"));
    try {
      const broken = readFileSync(join(ROOT, "compose.yml"), "utf8").replace(
        "mongo-init: { condition",
        "mongo-missing: { condition",
      );
      writeFileSync(join(dir, "compose.yml"), broken);
      const proc = Bun.spawnSync([checker, join(dir, "compose.yml")], {
        env: { ...process.env, COURSES_AUTH_HS256_SECRET: "x".repeat(32) },
      });
      expect(proc.exitCode).toBe(1);
      expect(proc.stderr.toString()).toContain('undefined service "mongo-missing"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("every long-running container has a healthcheck, and dependents wait on health or completion", () => {
    for (const [file, p] of Object.entries(projects)) {
      for (const [name, svc] of Object.entries(p.services)) {
        const oneShot = svc.restart === "no";
        if (!oneShot)
          expect(svc.healthcheck?.test?.length ?? 0, `${file}: ${name} has no healthcheck`).toBeGreaterThan(0);
        for (const [dep, { condition }] of Object.entries(svc.depends_on ?? {})) {
          const expected = p.services[dep]?.restart === "no" ? "service_completed_successfully" : "service_healthy";
          expect(`${name} → ${dep}: ${condition}`).toBe(`${name} → ${dep}: ${expected}`);
        }
      }
    }
  });

  it("splits the service into an API and a worker, with valid modules, stopping after the shutdown deadline", () => {
    const { services } = projects["compose.yml"]!;
    const deadline = loadConfig({ COURSES_CONFIG_FILES: "config/production.yaml" }).config.shutdown.deadline;
    const modulesOf = (s: Service) =>
      parseModules(s.command!.find((a) => a.startsWith("--modules="))!.slice("--modules=".length));
    expect(modulesOf(services.courses!)).toEqual(["api"]);
    expect(modulesOf(services["courses-worker"]!)).toEqual(["relay", "consumer"]);
    for (const name of ["courses", "courses-worker"]) {
      const svc = services[name]!;
      expect(svc.healthcheck?.test).toEqual(["CMD", "/courses", "healthcheck"]);
      expect(goDuration(svc.stop_grace_period ?? "0s")).toBeGreaterThan(deadline);
      expect(Object.keys(svc.depends_on ?? {}).sort()).toEqual(["kafka", "mongo-init"]);
    }
    expect(services["courses-worker"]!.environment?.COURSES_READINESS_REQUIRE_KAFKA).toBe("true");
    // The scraper runs on its own: it needs the store, not Kafka (its events go through the outbox).
    const scraper = services["courses-scraper"]!;
    expect(scraper.command).toEqual(["scrape"]);
    expect(Object.keys(scraper.depends_on ?? {})).toEqual(["mongo-init"]);
    expect(goDuration(scraper.stop_grace_period ?? "0s")).toBeGreaterThan(deadline);
  });

  it("runs MongoDB as a three-member replica set, formed by an init step, and the service names every member", () => {
    const { services } = projects["compose.yml"]!;
    const members = ["mongo1", "mongo2", "mongo3"];
    for (const m of members) expect(services[m]!.command).toEqual(["--replSet", "rs0", "--bind_ip_all"]);
    const init = services["mongo-init"]!.command!.join(" ");
    for (const m of members) expect(init).toContain(`host: "${m}:27017"`);
    expect(init).toContain("rs.initiate");
    // The members' healthchecks only ping: forming the set is not a side effect of a healthcheck.
    for (const m of members) expect(services[m]!.healthcheck!.test!.join(" ")).not.toContain("initiate");
    const url = services.courses!.environment!.COURSES_MONGO_URL!;
    expect(url).toStartWith(`mongodb://${members.map((m) => `${m}:27017`).join(",")}/`);
    expect(new URLSearchParams(url.split("?")[1]).get("replicaSet")).toBe("rs0");
  });

  it("keeps observability in its own project on the services' named network", () => {
    const obs = projects["compose.observability.yml"]!;
    expect(obs.name).not.toBe(projects["compose.yml"]!.name);
    expect(Object.keys(obs.services).sort()).toEqual(["grafana", "jaeger", "prometheus"]);
    expect(obs.networks.default!.name).toBe(projects["compose.yml"]!.networks.default!.name);
  });

  it("Prometheus's config is valid for promtool and scrapes every replica of both services", async () => {
    const file = join(ROOT, "ops/compose/prometheus.yml");
    const check = Bun.spawnSync(["promtool", "check", "config", "--syntax-only", file]);
    expect(check.exitCode, check.stderr.toString()).toBe(0);
    const cfg = parseYaml(readFileSync(file, "utf8")) as {
      scrape_configs: { dns_sd_configs?: { names: string[]; port: number }[] }[];
    };
    const discovered = cfg.scrape_configs
      .flatMap((j) => j.dns_sd_configs ?? [])
      .flatMap((d) => d.names.map((n) => `${n}:${d.port}`));
    expect(discovered.sort()).toEqual(["courses-scraper:8080", "courses-worker:8080", "courses:8080"]);
  });
});
