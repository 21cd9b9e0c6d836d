import { Worker } from "node:worker_threads";
import type { ClientText } from "./emit-clients.js";
import type { DomainModel } from "./model.js";

type FromWorker =
  | { kind: "texts"; texts: ClientText[] }
  | { kind: "formatted"; index: number; text: string }
  | { kind: "done" };

export interface ClientThread {
  /** Hands the thread its work once the specs are loaded: the domains to generate (not cached). */
  begin(domains: DomainModel[]): void;
  /** Helps format what the client thread has not yet taken, then returns every client file. */
  finish(): Promise<Map<string, string>>;
  /** Abandons the work (the run failed elsewhere, or there is nothing to generate). */
  stop(): void;
}

/**
 * Emitting the clients (ts-morph) and formatting them (prettier) takes about as long as openapi-typescript
 * takes for the types, and neither needs the other. So a second thread starts at once (it loads ts-morph
 * while the main thread reads the specs), then emits the clients and formats them while the main thread
 * makes the types; the main thread formats whatever is left when its types are done. (Making types on
 * both threads was slower on 2 cores: openapi-typescript then loads, and warms up, twice.) This module
 * stays light (no ts-morph, no prettier), so the main thread loads neither until it needs them.
 */
export function startClientThread(parallel: boolean): ClientThread {
  const cursor = new Int32Array(new SharedArrayBuffer(4));
  const formatted: string[] = [];
  if (!parallel) {
    let domains: DomainModel[] = [];
    return {
      begin: (given) => void (domains = given),
      async finish() {
        const [{ emitClientTexts }, { formatClaimed }] = await Promise.all([import("./emit-clients.js"), import("./format-queue.js")]);
        const texts = emitClientTexts(domains);
        await formatClaimed(texts, cursor, (index, text) => (formatted[index] = text));
        return collect(texts, formatted);
      },
      stop() {},
    };
  }

  const worker = spawn(cursor.buffer as SharedArrayBuffer);
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
    if (code === 0) setTimeout(fail, 200).unref(); // must not keep a finished run from exiting
    else fail();
  });

  return {
    begin: (domains) => worker.postMessage(domains),
    async finish() {
      const all = await Promise.race([texts, failed]);
      if (Atomics.load(cursor, 0) < all.length) {
        const { formatClaimed } = await import("./format-queue.js"); // prettier, loaded only if formatting is left
        await Promise.race([formatClaimed(all, cursor, (index, text) => (formatted[index] = text)), failed]);
      }
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

function spawn(cursor: SharedArrayBuffer): Worker {
  const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  const entry = new URL(`./client-thread-entry${extension}`, import.meta.url);
  const workerData = { cursor };
  // Run from source (tsx), Node 20 does not pass loader hooks on to workers: the worker registers tsx itself,
  // found from here (an eval'd worker resolves bare names from the current folder, which may be anywhere).
  return extension === ".ts"
    ? new Worker(`import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`, {
        eval: true,
        workerData,
      })
    : new Worker(entry, { workerData });
}
