import { parentPort, workerData } from "node:worker_threads";
import { emitClientFiles } from "./emit-clients.js";
import type { DomainModel } from "./model.js";

/** Worker side of `client-thread.ts`. A thrown error reaches the main thread as the worker's `error` event. */
const files = await emitClientFiles((workerData as { domains: DomainModel[] }).domains);
parentPort!.postMessage(files);
