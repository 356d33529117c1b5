import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";

/**
 * One JSON value per line, written and read as streams. Index files holding every article or
 * every chunk use this instead of one `JSON.stringify` of the whole collection, which needs the
 * whole file as one string in memory and fails past V8's string limit (about 512 MB: some 480k
 * chunks of news text).
 */

/** Writes each value as one line, respecting the stream's back-pressure. */
export async function writeJsonLines(file: string, values: Iterable<unknown>): Promise<void> {
  const stream = createWriteStream(file);
  const failed = once(stream, "error").then(([error]) => {
    throw error;
  });
  failed.catch(() => {});
  let buffer = "";
  const flush = async () => {
    if (!stream.write(buffer)) await Promise.race([once(stream, "drain"), failed]);
    buffer = "";
  };
  for (const value of values) {
    buffer += `${JSON.stringify(value)}\n`;
    if (buffer.length > 1 << 20) await flush();
  }
  if (buffer) await flush();
  stream.end();
  await Promise.race([once(stream, "finish"), failed]);
}

/** Calls `onValue` with each line's value, in order. Blank lines are skipped. */
export async function readJsonLines<T>(file: string, onValue: (value: T) => void): Promise<void> {
  const stream = createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20 });
  let rest = "";
  for await (const piece of stream as AsyncIterable<string>) {
    const text = rest + piece;
    let start = 0;
    for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", start)) {
      if (end > start) onValue(JSON.parse(text.slice(start, end)) as T);
      start = end + 1;
    }
    rest = text.slice(start);
  }
  if (rest.trim()) onValue(JSON.parse(rest) as T);
}
