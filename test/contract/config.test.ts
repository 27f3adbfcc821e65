// docs/CONFIG.md lists exactly the variables the config schema defines.
import { expect, it } from "bun:test";
import { readFileSync } from "node:fs";
import { leaves } from "../../lib/xconfig/index.ts";
import { CONFIG_DOC, configReference } from "../../scripts/gen-clients.ts";
import { ConfigSchema, ENV_PREFIX } from "../../src/config.ts";

it("docs/CONFIG.md is current and names every variable", async () => {
  const doc = readFileSync(CONFIG_DOC, "utf8");
  expect(await configReference(), "docs/CONFIG.md is stale: run `bun run gen` and commit the result").toBe(doc);
  for (const l of leaves(ConfigSchema, ENV_PREFIX)) expect(doc).toContain(`\`${l.env}\``);
});
