import type { App, IngestListeners } from "../app.js";
import type { BuildReport } from "../index/build.js";
import { createProgressBar } from "./progress.js";

/** Ingests with a progress bar and warnings on stderr; shared with `npm start`. */
export async function runIngest(app: App, quiet: boolean): Promise<BuildReport> {
  const bar = createProgressBar();
  const listeners: IngestListeners = {
    onProgress: quiet ? () => {} : bar.update,
    onWarning: (warning) => {
      bar.done();
      process.stderr.write(`warning: ${warning.file}${warning.line ? `:${warning.line}` : ""}: ${warning.message}\n`);
    },
    onNotice: (message) => {
      bar.done();
      process.stderr.write(`${message}\n`);
    },
  };
  try {
    return await app.ingest(listeners);
  } finally {
    bar.done();
  }
}
