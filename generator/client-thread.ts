import { Worker } from "node:worker_threads";
import type { ClientText } from "./emit-clients.js";
import { formatClaimed } from "./format-queue.js";
import type { DomainModel } from "./model.js";

type FromWorker = { kind: "texts"; texts: ClientText[] } | { kind: "formatted"; index: number; text: string } | { kind: "done" };

export interface ClientFiles {
  /** Helps format what the client thread has not yet taken, then returns every client file. */
  finish(): Promise<Map<string, string>>;
  /** Abandons the work (the run failed elsewhere). */
  stop(): void;
}

/**
 * Emitting the clients (ts-morph) and formatting them (prettier) takes about as long as
 * openapi-typescript takes for the types, and neither needs the other: a second thread emits the
 * clients and starts formatting while the main thread makes the types; then both format what is left.
 * This module stays light (no ts-morph, no prettier), so the main thread loads neither early.
 */
export function startClientFiles(domains: readonly DomainModel[], parallel: boolean): ClientFiles {
  const cursor = new Int32Array(new SharedArrayBuffer(4));
  const formatted: string[] = [];
  if (!parallel) {
    return {
      async finish() {
        const { emitClientTexts } = await import("./emit-clients.js");
        const texts = emitClientTexts(domains);
        await formatClaimed(texts, cursor, (index, text) => (formatted[index] = text));
        return collect(texts, formatted);
      },
      stop() {},
    };
  }

  const worker = spawn(domains, cursor.buffer as SharedArrayBuffer);
  let onTexts!: (texts: ClientText[]) => void;
  let onDone!: () => void;
  let onFailure!: (error: Error) => void;
  const texts = new Promise<ClientText[]>((resolve) => (onTexts = resolve));
  const done = new Promise<void>((resolve) => (onDone = resolve));
  let finished = false;
  const failed = new Promise<never>((_, reject) => (onFailure = reject));
  failed.catch(() => {}); // only raced below; a failure before finish() must not be reported as unhandled
  worker.on("message", (message: FromWorker) => {
    if (message.kind === "texts") onTexts(message.texts);
    else if (message.kind === "formatted") formatted[message.index] = message.text;
    else {
      finished = true;
      onDone();
    }
  });
  worker.once("error", onFailure);
  // A worker that has sent everything exits, possibly before finish() is called (with the cache it has
  // little to do), and its last messages can be delivered after its exit event: a clean exit is only a
  // failure if "done" has still not arrived a moment later.
  worker.once("exit", (code) => {
    const fail = () => finished || onFailure(new Error(`the client emitter thread stopped (exit code ${code}) before it was done`));
    if (code === 0) setTimeout(fail, 200);
    else fail();
  });

  return {
    async finish() {
      const all = await Promise.race([texts, failed]);
      await Promise.race([formatClaimed(all, cursor, (index, text) => (formatted[index] = text)), failed]);
      await Promise.race([done, failed]); // the worker's last results arrive before its "done"
      return collect(all, formatted);
    },
    stop: () => void worker.terminate(),
  };
}

/** Files in emit order, so the result never depends on which thread formatted what. */
function collect(texts: ClientText[], formatted: string[]): Map<string, string> {
  return new Map(
    texts.map(([path], index) => {
      const text = formatted[index];
      if (text === undefined) throw new Error(`internal error: ${path} was never formatted`);
      return [path, text];
    }),
  );
}

function spawn(domains: readonly DomainModel[], cursor: SharedArrayBuffer): Worker {
  const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  const entry = new URL(`./client-thread-entry${extension}`, import.meta.url);
  const workerData = { domains, cursor };
  // Run from source (tsx), Node 20 does not pass loader hooks on to workers: the worker registers tsx itself.
  return extension === ".ts"
    ? new Worker(`import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`, {
        eval: true,
        workerData,
      })
    : new Worker(entry, { workerData });
}
