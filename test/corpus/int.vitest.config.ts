import { defineConfig } from "vitest/config";

/** Runs the opt-in checks on the benchmark corpora, which the default config excludes. */
export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/corpus/**/*.int.test.ts"],
    testTimeout: 120_000,
  },
});
