import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const SHARED_SPECS = path.resolve(ROOT, "../shared/specs");
export const LATEST = path.join(SHARED_SPECS, "2026-05-21");
export const PREVIOUS = path.join(SHARED_SPECS, "2026-03-17");

export async function tempDir(prefix = "stgen-"): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end and returns its exit code and output; never rejects. */
export function runProcess(
  command: string,
  args: string[],
  cwd = ROOT,
  env: Record<string, string> = {},
): Promise<ProcessResult> {
  return new Promise((resolve) =>
    execFile(command, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 32 << 20 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

/** Runs the real CLI (`tsx generator/cli/main.ts …`). */
export function stgen(args: string[], cwd = ROOT): Promise<ProcessResult> {
  return runProcess(
    process.execPath,
    [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "generator/cli/main.ts"), ...args],
    cwd,
  );
}

/** Every file under `dir` with its content, for comparing whole trees. */
export async function readTree(dir: string, prefix = ""): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(result, await readTree(path.join(dir, entry.name), relative));
    else result[relative] = await readFile(path.join(dir, entry.name), "utf8");
  }
  return result;
}

/** A bearer token from `stgen mock`'s token endpoint, asked for as a client would (the form POST). */
export async function mockToken(
  server: { url: string; credentials: { clientId: string; clientSecret: string } },
  secret = server.credentials.clientSecret,
): Promise<string> {
  const answer = await fetch(`${server.url}/connect/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: server.credentials.clientId,
      client_secret: secret,
    }),
  });
  return ((await answer.json()) as { access_token: string }).access_token;
}
