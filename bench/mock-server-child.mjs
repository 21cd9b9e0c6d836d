// One measured server for the benchmarks: `mock [options JSON]` (stgen mock over all 24 specs, from dist/) or `bare`
// (node:http answering one fixed body, the ceiling any Node server on this machine can reach).
// Prints "READY <url> <startup ms>", serves until SIGTERM.
import { createServer } from "node:http";

const mode = process.argv[2];
const started = performance.now();
let url;
let close;
if (mode === "mock") {
  const { startMockServer } = await import("../generator/dist/mock/index.js");
  const mock = await startMockServer({ logLimit: 1000, ...JSON.parse(process.argv[3] ?? "{}") });
  url = mock.url;
  close = () => mock.close();
} else {
  const body = Buffer.from(process.argv[3] ?? "{}");
  const server = createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Content-Length": body.length });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${server.address().port}`;
  close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    });
}
process.stdout.write(`READY ${url} ${(performance.now() - started).toFixed(0)}\n`);
process.once("SIGTERM", async () => {
  await close();
  process.exit(0);
});
