import { parentPort, workerData } from "node:worker_threads";
import { emitClientTexts } from "./emit-clients.js";
import { formatClaimed } from "./format-queue.js";
import type { DomainModel } from "./model.js";

/**
 * Worker side of `client-thread.ts`. Importing emit-clients.js above loads ts-morph while the main thread
 * still reads the specs. A thrown error reaches the main thread as the worker's `error` event.
 */
const { cursor } = workerData as { cursor: SharedArrayBuffer };
const port = parentPort!;
const domains = await new Promise<DomainModel[]>((resolve) => port.once("message", resolve));
const texts = emitClientTexts(domains);
port.postMessage({ kind: "texts", texts });
await formatClaimed(texts, new Int32Array(cursor), (index, text) => port.postMessage({ kind: "formatted", index, text }));
port.postMessage({ kind: "done" });
