/**
 * Process plumbing for the speed benchmark: measured work runs in child processes (so each gets
 * a fresh heap, its own peak-memory reading, and a crash or time-out at one size is recorded
 * rather than ending the run).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { readdir, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

export const WORKER = path.join(import.meta.dirname, "speed-worker.ts");

/** Peak resident memory of this process so far (VmHWM), in bytes; falls back to the current RSS. */
export function peakRssBytes(): number {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (match?.[1]) return Number(match[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.memoryUsage().rss;
}

/** Bytes per file name (recursively, relative paths) and in total. */
export async function folderSizes(dir: string): Promise<{ total: number; files: Record<string, number> }> {
  const files: Record<string, number> = {};
  let total = 0;
  const walk = async (current: string) => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        await walk(full);
      } else {
        const size = (await stat(full)).size;
        files[path.relative(dir, full)] = size;
        total += size;
      }
    }
  };
  await walk(dir);
  return { total, files };
}

/** Host facts recorded with every run: timings on a shared 2-core machine are noisy. */
export function machine(): { cpus: number; cpuModel: string; memoryGiB: number; loadAverage: number[]; node: string } {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
    node: process.version,
  };
}

export type WorkerOutcome<T> =
  | { ok: true; result: T; seconds: number }
  | { ok: false; error: string; seconds: number; lastOutput: string };

/**
 * Runs `speed-worker.ts <role> <args>` in a fresh Node process (through tsx), killing it after
 * `timeoutMs`. The worker writes its result as JSON to `resultPath`; its stderr (progress lines)
 * is passed through. A crash (for example V8 running out of heap) or a time-out comes back as an
 * error naming what happened, with the last lines the worker printed.
 */
export async function runWorker<T>(options: {
  role: string;
  args: string[];
  resultPath: string;
  timeoutMs: number;
  heapMb?: number | undefined;
}): Promise<WorkerOutcome<T>> {
  const started = performance.now();
  await rm(options.resultPath, { force: true });
  const nodeArgs = ["--import", "tsx"];
  if (options.heapMb) nodeArgs.push(`--max-old-space-size=${options.heapMb}`);
  const child = spawn(
    process.execPath,
    [...nodeArgs, WORKER, options.role, "--out", options.resultPath, ...options.args],
    {
      stdio: ["ignore", "inherit", "pipe"],
    },
  );
  let tail = "";
  child.stderr.on("data", (data: Buffer) => {
    process.stderr.write(data);
    tail = (tail + data.toString()).slice(-20_000);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, options.timeoutMs);
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal })),
  );
  clearTimeout(timer);
  const seconds = (performance.now() - started) / 1000;
  const lastOutput = telling(tail);
  const written = await readFile(options.resultPath, "utf8").then(
    (text) => JSON.parse(text) as { error?: string } & T,
    () => null,
  );
  if (code === 0 && written && !written.error) return { ok: true, result: written, seconds };
  const exit = signal ? `killed by ${signal}` : `exited with code ${code}`;
  const error = timedOut
    ? `timed out after ${(options.timeoutMs / 60_000).toFixed(1)} min`
    : (written?.error ?? `${exit} (${firstErrorLine(tail)})`);
  return { ok: false, error, seconds, lastOutput };
}

/**
 * What a failed worker's output says about where it was: its last progress line ("[1M] parse
 * 77/77  67 s  rss 3.21 GiB"), V8's last garbage collections, and its last lines (without the
 * native stack frames of a fatal error).
 */
function telling(text: string): string {
  const lines = text
    .split(/[\r\n]+/)
    .map((line) => line.trim())
    .filter(Boolean);
  const isProgress = (line: string) => /^\[[^\]]+\] \w+ \d+\/\d+/.test(line);
  const progress = lines.filter(isProgress).at(-1);
  const collection = [...text.matchAll(/Mark-Compact [\d.]+ \([\d.]+\) -> [\d.]+ \([\d.]+\) MB/g)].at(-1)?.[0];
  const rest = lines
    .filter((line) => !isProgress(line) && !/^\d+: 0x|^<---|^-----|Mark-Compact|Scavenge/.test(line))
    .slice(-3);
  return [
    ...(progress ? [`last progress: ${progress}`] : []),
    ...(collection ? [`last full GC: ${collection} (heap used (committed) before -> after)`] : []),
    ...rest,
  ].join("\n");
}

/** The most telling line of a crashed worker's output (V8's fatal error, or a thrown error). */
function firstErrorLine(text: string): string {
  const lines = text.split(/[\r\n]+/).map((line) => line.trim());
  return (
    lines.find((line) => /FATAL ERROR|heap out of memory|RangeError|Error:/.test(line)) ??
    lines.filter(Boolean).at(-1) ??
    "no output"
  );
}
