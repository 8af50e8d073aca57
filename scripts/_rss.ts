import fs from "node:fs";
const [pid, job, key] = process.argv.slice(2);
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;
const before = rss();
let peak = before;
let bytes = 0;
const t0 = Date.now();
const response = await fetch(`http://127.0.0.1:3241/results/${job}`, { headers: { "X-API-Key": key } });
for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
  bytes += chunk.length;
  peak = Math.max(peak, rss());
  await new Promise((resolve) => setImmediate(resolve));
}
console.log(`status ${response.status}: ${(bytes / 1e6).toFixed(1)} MB in ${((Date.now() - t0) / 1000).toFixed(1)} s; RSS ${before.toFixed(0)} -> peak ${peak.toFixed(0)} MB, growth ${(peak - before).toFixed(0)} MB`);
