import { parentPort, workerData } from "node:worker_threads";
import { emitClientTexts } from "./emit-clients.js";
import { formatClaimed } from "./format-queue.js";
import type { DomainModel } from "./model.js";

/** Worker side of `client-thread.ts`. A thrown error reaches the main thread as the worker's `error` event. */
const { domains, cursor } = workerData as { domains: DomainModel[]; cursor: SharedArrayBuffer };
const port = parentPort!;
const texts = emitClientTexts(domains);
port.postMessage({ kind: "texts", texts });
await formatClaimed(texts, new Int32Array(cursor), (index, text) => port.postMessage({ kind: "formatted", index, text }));
port.postMessage({ kind: "done" });
