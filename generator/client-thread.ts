import { Worker } from "node:worker_threads";
import type { DomainModel } from "./model.js";

/**
 * Emitting and formatting the clients (ts-morph + prettier) takes about as long as openapi-typescript
 * takes for the types, and neither needs the other: the clients are made on a second thread meanwhile.
 * This module stays light (no ts-morph, no prettier), so the main thread never loads them.
 */
export function emitClientFilesInWorker(domains: readonly DomainModel[]): { files: Promise<Map<string, string>>; stop: () => void } {
  const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  const entry = new URL(`./client-thread-entry${extension}`, import.meta.url);
  // Run from source (tsx), Node 20 does not pass loader hooks on to workers: the worker registers tsx itself.
  const worker =
    extension === ".ts"
      ? new Worker(`import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`, {
          eval: true,
          workerData: { domains },
        })
      : new Worker(entry, { workerData: { domains } });
  const files = new Promise<Map<string, string>>((resolve, reject) => {
    worker.once("message", (result: Map<string, string>) => resolve(result));
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`the client emitter thread stopped with exit code ${code}`));
    });
  });
  return { files, stop: () => void worker.terminate() };
}
