// The alerting and recording rules: valid for promtool, each alert unit-tested (fires and stays
// quiet: ops/prometheus/rules-tests), and loaded by the stack's Prometheus.
import { expect, it } from "bun:test";
import { join } from "node:path";
import { required, stack } from "../support/stack.ts";

const ROOT = join(import.meta.dir, "../..");
const promtool = (...args: string[]) => {
  const p = Bun.spawnSync(["promtool", ...args], { cwd: ROOT });
  return { code: p.exitCode, out: `${p.stdout}${p.stderr}` };
};

it("promtool check rules accepts every rule file", () => {
  const r = promtool("check", "rules", ...new Bun.Glob("ops/prometheus/rules/*.yml").scanSync({ cwd: ROOT }));
  expect(r.out).toContain("SUCCESS");
  expect(r.code).toBe(0);
});

it("promtool test rules: every alert fires when it should and stays quiet when it should not", () => {
  const tests = [...new Bun.Glob("ops/prometheus/rules-tests/*.yml").scanSync({ cwd: ROOT })];
  const r = promtool("test", "rules", ...tests);
  expect(r.out).not.toContain("FAILED");
  expect(r.code).toBe(0);
  // Every alert has a test that names it.
  const rules = Bun.file(join(ROOT, "ops/prometheus/rules/courses.yml"));
  return rules.text().then(async (text) => {
    const alerts = [...text.matchAll(/- alert: (\w+)/g)].map((m) => m[1]!);
    const tested = (await Promise.all(tests.map((t) => Bun.file(join(ROOT, t)).text()))).join("\n");
    expect(alerts.length).toBeGreaterThanOrEqual(9);
    expect(alerts.filter((a) => !tested.includes(`alertname: ${a}`))).toEqual([]);
  });
}, 120_000);

it("the stack's Prometheus has loaded them", async () => {
  const prometheus = required(await stack(), "prometheusUrl");
  const body = (await (await fetch(`${prometheus}/api/v1/rules`)).json()) as {
    data: { groups: { name: string; rules: { name: string; health: string }[] }[] };
  };
  const groups = body.data.groups.map((g) => g.name);
  expect(groups).toEqual(expect.arrayContaining(["courses-slo-recording", "courses-slo-alerts", "courses-components"]));
  expect(body.data.groups.flatMap((g) => g.rules).filter((r) => r.health === "err")).toEqual([]);
});
