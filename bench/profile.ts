// `npx tsx bench/profile.ts <file.cpuprofile> [top] [skip-ms]`: where a profiled server spent its
// busy time, by function (self time) and by package or project file (time with it on the stack),
// leaving out its first skip-ms (its start-up).
import { summarizeCpuProfile } from "./cpuProfile.js";
import { formatProfileSummary } from "./report.js";

const [file, top, skipMs] = process.argv.slice(2);
if (!file) {
  console.error("usage: npx tsx bench/profile.ts <file.cpuprofile> [top] [skip-ms]");
  process.exit(2);
}
console.log(formatProfileSummary(summarizeCpuProfile(file, { top: top ? Number(top) : 20, skipMs: skipMs ? Number(skipMs) : 0 })));
