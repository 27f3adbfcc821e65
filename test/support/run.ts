// Runs a command to its end and returns what it printed and its exit code. Once the command has
// exited, its output is read for at most a few seconds more: a child it left running may hold the
// pipes open, and the caller gets the exit code (and what was read) instead of waiting forever.
export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

export async function run(
  cmd: string[],
  opts: {
    cwd?: string;
    env?: Record<string, string | undefined>;
    stdin?: string;
    /** Past it the command is killed (SIGKILL) and what it printed so far is returned, code 124. */
    timeoutMs?: number;
  } = {},
): Promise<RunResult> {
  const proc = Bun.spawn(cmd, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdin: opts.stdin === undefined ? "ignore" : new TextEncoder().encode(opts.stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  const chunks = { stdout: "", stderr: "" };
  const drain = async (name: keyof typeof chunks, stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) chunks[name] += decoder.decode(chunk, { stream: true });
  };
  const drained = Promise.all([drain("stdout", proc.stdout), drain("stderr", proc.stderr)]);
  let timedOut = false;
  const timer =
    opts.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          proc.kill("SIGKILL");
        }, opts.timeoutMs);
  const exited = await proc.exited;
  clearTimeout(timer);
  const code = timedOut ? 124 : exited;
  if (timedOut) chunks.stderr += `\n[run] killed after ${opts.timeoutMs} ms: it had not finished\n`;
  const left = await Promise.race([drained.then(() => false), Bun.sleep(5_000).then(() => true)]);
  if (left)
    chunks.stderr += "\n[run] output still open 5 s after the command exited: a child process it started holds it\n";
  return { stdout: chunks.stdout, stderr: chunks.stderr, code };
}
