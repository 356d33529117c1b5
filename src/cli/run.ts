import { type Config, loadConfig, loadDotEnv } from "../config.js";
import { describeError, UserError } from "../errors.js";

/**
 * Runs a command-line entry point: loads `.env`, validates the configuration, and turns any
 * error into one line on stderr and a non-zero exit code. Stack traces only with LOG_LEVEL=debug.
 */
export function runCli(main: (config: Config) => Promise<number | undefined>): void {
  let debug = false;
  const run = async () => {
    loadDotEnv();
    const config = loadConfig();
    debug = config.logLevel === "debug";
    return main(config);
  };
  run().then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (error: unknown) => {
      process.stderr.write(`error: ${describeError(error)}\n`);
      if (debug && error instanceof Error && !(error instanceof UserError)) process.stderr.write(`${error.stack}\n`);
      process.exitCode = error instanceof UserError ? 2 : 1;
    },
  );
}
