import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The parts of V8's .cpuprofile format (what `node --cpu-prof` writes) read here. */
type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type CpuProfile = { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

export type TimeShare = { name: string; ms: number; percent: number };

export type ProfileSummary = {
  file: string;
  /** The first milliseconds of the process left out (its start-up, when the load is what matters). */
  skippedMs: number;
  /** Sampled time, idle included. */
  totalMs: number;
  idleMs: number;
  /** Time in the function itself, the largest first. */
  topSelf: TimeShare[];
  /**
   * Time with a frame of the group anywhere on the stack (each sample counted once per group):
   * "pino" is all the time spent under pino's code, including what it calls.
   */
  topInclusive: TimeShare[];
};

/** Project files are named from the repository root. */
const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));

/** Reads a profile and ranks where the busy (not idle) time went, from `skipMs` after the process began. */
export function summarizeCpuProfile(file: string, options: { top?: number; skipMs?: number } = {}): ProfileSummary {
  const top = options.top ?? 15;
  const skipMs = options.skipMs ?? 0;
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  let elapsedUs = 0;
  profile.samples.forEach((id, index) => {
    const us = profile.timeDeltas[index] ?? 0;
    elapsedUs += us;
    const node = byId.get(id);
    if (!node || elapsedUs < skipMs * 1000) return;
    totalUs += us;
    if (node.callFrame.functionName === "(idle)") {
      idleUs += us;
      return;
    }
    const name = functionLabel(node);
    self.set(name, (self.get(name) ?? 0) + us);
    const groups = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at);
      if (frame) groups.add(groupOf(frame));
    }
    for (const group of groups) inclusive.set(group, (inclusive.get(group) ?? 0) + us);
  });

  const busyUs = totalUs - idleUs;
  const rank = (times: Map<string, number>): TimeShare[] =>
    [...times.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), percent: busyUs > 0 ? Math.round((us / busyUs) * 1000) / 10 : 0 }));
  inclusive.delete("(root)");
  return { file, skippedMs: skipMs, totalMs: Math.round(totalUs / 1000), idleMs: Math.round(idleUs / 1000), topSelf: rank(self), topInclusive: rank(inclusive) };
}

function functionLabel(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || "(anonymous)";
  return url ? `${name} ${shortUrl(url)}:${lineNumber + 1}` : name;
}

/** The package (node_modules/<name>), the project file, Node's internals, or V8's own pseudo-frames. */
function groupOf(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:")) return "node internals";
  const nodeModules = url.lastIndexOf("/node_modules/");
  if (nodeModules >= 0) {
    const [scopeOrName, name] = url.slice(nodeModules + "/node_modules/".length).split("/");
    return scopeOrName?.startsWith("@") ? `${scopeOrName}/${name}` : (scopeOrName ?? url);
  }
  return shortUrl(url);
}

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, "");
  const nodeModules = path.lastIndexOf("/node_modules/");
  if (nodeModules >= 0) return path.slice(nodeModules + 1);
  return path.startsWith(REPO_ROOT) ? path.slice(REPO_ROOT.length) : path;
}
