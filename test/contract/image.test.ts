// The Dockerfile without a Docker engine: its build stage is replayed from what .dockerignore lets
// into the context (its COPY lines, then its RUN lines with the build arguments), and the final
// stage is checked against what that produced. The final stage's runtime is proven by
// test/e2e/binary.test.ts (chroot with only the image's files, as uid 65532).
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { run } from "../support/run.ts";

const ROOT = join(import.meta.dir, "../..");

interface Stage {
  from: string;
  name?: string;
  lines: { op: string; args: string }[];
}

function stages(): Stage[] {
  const text = readFileSync(join(ROOT, "Dockerfile"), "utf8").replace(/\\\n/g, " ");
  const out: Stage[] = [];
  for (const line of text.split("\n").map((l) => l.trim())) {
    if (!line || line.startsWith("#")) continue;
    const [op, ...rest] = line.split(/\s+/);
    const args = rest.join(" ");
    if (op === "FROM") out.push({ from: rest[0]!, name: /\bAS\s+(\S+)/i.exec(args)?.[1], lines: [] });
    else out.at(-1)?.lines.push({ op: op!, args });
  }
  return out;
}

/** .dockerignore as Docker applies it: the last pattern that matches a path (or a parent) wins. */
function inContext(path: string): boolean {
  const patterns = readFileSync(join(ROOT, ".dockerignore"), "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  let included = true;
  for (const raw of patterns) {
    const negate = raw.startsWith("!");
    const pattern = (negate ? raw.slice(1) : raw).replace(/\/$/, "");
    const glob = new Bun.Glob(pattern);
    const parts = path.split("/");
    if (parts.some((_, i) => glob.match(parts.slice(0, i + 1).join("/")))) included = negate;
  }
  return included;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (n === "node_modules" || n === ".git" || n === ".stack" || n === "dist") return [];
    return statSync(p).isDirectory() ? files(p) : [relative(ROOT, p)];
  });
}

const [build, final] = stages();
let work: string;
let built: { code: number; output: string };
beforeAll(async () => {
  // Replay the build stage: WORKDIR is `work`; COPY takes only context files; RUN runs in sh.
  work = mkdtempSync(join(tmpdir(), "image-build-"));
  const args: Record<string, string> = { REVISION: "image-test-rev" };
  let output = "";
  for (const { op, args: a } of build!.lines) {
    if (op === "COPY") {
      const parts = a.split(/\s+/);
      const dest = join(work, parts.pop()!);
      for (const src of parts) {
        const matched = files(ROOT).filter((f) => (f === src || f.startsWith(`${src}/`)) && inContext(f));
        expect(matched.length, `COPY ${src}: nothing in the build context`).toBeGreaterThan(0);
        for (const f of matched) {
          const target =
            parts.length > 1 || dest.endsWith("/") ? join(dest, f) : src === f ? dest : join(dest, relative(src, f));
          mkdirSync(dirname(target), { recursive: true });
          cpSync(join(ROOT, f), target);
        }
      }
    } else if (op === "ARG") {
      const [k, v] = a.split("=");
      args[k!] ??= v ?? "";
    } else if (op === "RUN") {
      const {
        stdout: o,
        stderr: e,
        code,
      } = await run(["sh", "-c", a], { cwd: work, env: { ...process.env, ...args } });
      output += `$ ${a}\n${o}${e}`;
      if (code !== 0) {
        built = { code, output };
        return;
      }
    }
  }
  built = { code: 0, output };
}, 240_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("Dockerfile", () => {
  it("the build context holds the sources and nothing of tests, docs, the stack or the developer config", () => {
    const context = files(ROOT).filter(inContext);
    expect(context).toContain("src/main.ts");
    expect(context).toContain("config/production.yaml");
    expect(
      context.filter((f) =>
        /\.test\.ts$|^test\/|^docs\/|^bench\/|^ops\/|testdata|^config\/courses\.yaml$|^README/.test(f),
      ),
    ).toEqual([]);
  });

  it("its build stage calls the one build command and produces a binary carrying the revision argument", async () => {
    const run = build!.lines.filter((l) => l.op === "RUN").map((l) => l.args);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the Dockerfile's own ${REVISION}
    expect(run).toContain('COURSES_BUILD_REVISION="${REVISION}" bun run build');
    expect(built.code, built.output).toBe(0);
    const binary = join(work, "dist/courses");
    expect(existsSync(binary)).toBe(true);
    const version = Bun.spawnSync([binary, "--version"]).stdout.toString();
    expect(version).toContain("revision image-test-rev");
  });

  it("its final stage is distroless and non-root, copies the built binary and the production config, and checks health through the binary", () => {
    expect(final!.from).toStartWith("gcr.io/distroless/");
    const ops = (op: string) => final!.lines.filter((l) => l.op === op).map((l) => l.args);
    const copies = ops("COPY");
    expect(copies).toContain(`--from=${build!.name} /src/dist/courses /courses`);
    expect(copies).toContain("config/production.yaml /config/production.yaml");
    expect(ops("ENV").join(" ")).toContain("COURSES_CONFIG_FILES=/config/production.yaml");
    expect(ops("USER")).toEqual(["65532:65532"]);
    expect(ops("HEALTHCHECK")[0]).toEndWith('CMD ["/courses", "healthcheck"]');
    const labels = ops("LABEL").join(" ");
    for (const l of ["title", "version", "revision", "created", "description"])
      expect(labels).toContain(`org.opencontainers.image.${l}=`);
    expect(readFileSync(join(ROOT, "config/production.yaml"), "utf8")).toMatch(/environment: production/);
  });
});
