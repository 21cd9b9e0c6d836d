// Preloaded into each measured child: prints its peak resident memory (whole process, worker threads included).
process.on("exit", () => process.stderr.write(`\nBENCH_MAX_RSS_KB=${process.resourceUsage().maxRSS}\n`));
