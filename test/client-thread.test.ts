import path from "node:path";
import { expect, it } from "vitest";
import { startClientThread } from "../generator/client-thread.js";
import { loadSpecFile } from "../generator/load.js";
import { buildDomainModel, withoutDocument } from "../generator/model.js";
import { LATEST } from "./helpers.js";

/** With the cache, the client thread may have little to do and exit before the main thread asks for its work. */
it("a client thread that finished and exited before finish() was called is not a failure", async () => {
  const domain = withoutDocument(buildDomainModel(await loadSpecFile(path.join(LATEST, "jbce-v2.json"))));
  const clients = startClientThread(true);
  clients.begin([domain]);
  await new Promise((resolve) => setTimeout(resolve, 5000)); // long enough for the thread to emit, format and exit
  const files = await clients.finish();
  expect([...files.keys()]).toEqual(["jbce/client.ts"]);
  expect(files.get("jbce/client.ts")).toContain("export function createJbceClient(");
}, 30_000);
