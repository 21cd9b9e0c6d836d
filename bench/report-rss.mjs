// Preloaded into each measured child: prints its peak resident memory and its CPU time (user + system),
// both of the whole process, worker threads included. Workers run preloads too; only the main thread
// prints, at the process's exit, so the figures are the whole run's.
import { isMainThread } from "node:worker_threads";

if (isMainThread) {
  process.on("exit", () => {
    const cpu = process.cpuUsage();
    process.stderr.write(
      `\nBENCH_MAX_RSS_KB=${process.resourceUsage().maxRSS}\nBENCH_CPU_US=${cpu.user + cpu.system}\n`,
    );
  });
}
