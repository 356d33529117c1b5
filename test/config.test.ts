import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { UserError } from "../src/errors.js";

describe("loadConfig", () => {
  it("needs nothing for a first run: every setting has a default", () => {
    const config = loadConfig({}, "/project");
    expect(config.corpusDir).toBe(path.resolve("/project/seeds"));
    expect(config.indexDir).toBe(path.resolve("/project/data/index"));
    expect(config.embeddings).toBe("offline");
    expect(config.referenceDate).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("treats empty values as unset, as .env files write them", () => {
    expect(loadConfig({ TOP_K: "", CORPUS_DIR: "  " }, "/p").topK).toBe(6);
  });

  it("names the bad variable in a one-line error", () => {
    expect(() => loadConfig({ TOP_K: "lots" }, "/p")).toThrowError(/Invalid setting TOP_K/);
    expect(() => loadConfig({ REFERENCE_DATE: "2025-13-45" }, "/p")).toThrowError(/REFERENCE_DATE/);
    expect(() => loadConfig({ CHUNK_SIZE: "500", CHUNK_OVERLAP: "600" }, "/p")).toThrowError(UserError);
  });

  it("derives the index folder from DATA_DIR unless INDEX_DIR is set", () => {
    expect(loadConfig({ DATA_DIR: "var" }, "/p").indexDir).toBe(path.resolve("/p/var/index"));
    expect(loadConfig({ DATA_DIR: "var", INDEX_DIR: "/elsewhere" }, "/p").indexDir).toBe("/elsewhere");
  });
});
