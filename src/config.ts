import path from "node:path";
import { z } from "zod";
import { UserError } from "./errors.js";

/**
 * Every setting newsdesk reads, in one schema. This module is the only reader of `process.env`;
 * everything else receives a frozen {@link Config}. `.env.example` documents each variable.
 */
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2025-07-25")
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), "is not a real date");

const positiveInt = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

const schema = z.object({
  CORPUS_DIR: z.string().min(1).default("seeds"),
  DATA_DIR: z.string().min(1).default("data"),
  INDEX_DIR: z.string().min(1).optional(),
  EMBEDDINGS: z.string().min(1).default("offline"),
  EMBEDDING_DIMENSIONS: positiveInt(384, 4096),
  CHUNK_SIZE: z.coerce.number().int().min(200).max(8000).default(900),
  CHUNK_OVERLAP: z.coerce.number().int().min(0).max(4000).default(150),
  TOP_K: positiveInt(6, 50),
  ANSWER_MAX_SENTENCES: positiveInt(3, 10),
  REFERENCE_DATE: isoDate.optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
});

export type Config = Readonly<{
  corpusDir: string;
  dataDir: string;
  indexDir: string;
  embeddings: string;
  embeddingDimensions: number;
  chunkSize: number;
  chunkOverlap: number;
  topK: number;
  answerMaxSentences: number;
  /** "Today" for time words in questions; undefined means the real current date. */
  referenceDate: string | undefined;
  logLevel: "debug" | "info" | "warn" | "error";
}>;

/**
 * Validates the environment and returns the typed, frozen configuration.
 * Throws a {@link UserError} naming the first bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  // Empty strings in .env files mean "not set", as users expect.
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ""),
  );
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = issue?.path.join(".") ?? "configuration";
    throw new UserError(`Invalid setting ${name}: ${issue?.message ?? "bad value"}. See .env.example.`);
  }
  const values = parsed.data;
  if (values.CHUNK_OVERLAP >= values.CHUNK_SIZE) {
    throw new UserError("Invalid setting CHUNK_OVERLAP: must be smaller than CHUNK_SIZE. See .env.example.");
  }
  const dataDir = path.resolve(cwd, values.DATA_DIR);
  return Object.freeze({
    corpusDir: path.resolve(cwd, values.CORPUS_DIR),
    dataDir,
    indexDir: values.INDEX_DIR ? path.resolve(cwd, values.INDEX_DIR) : path.join(dataDir, "index"),
    embeddings: values.EMBEDDINGS,
    embeddingDimensions: values.EMBEDDING_DIMENSIONS,
    chunkSize: values.CHUNK_SIZE,
    chunkOverlap: values.CHUNK_OVERLAP,
    topK: values.TOP_K,
    answerMaxSentences: values.ANSWER_MAX_SENTENCES,
    referenceDate: values.REFERENCE_DATE,
    logLevel: values.LOG_LEVEL,
  });
}

/** Loads `.env` from the working directory when present (Node's built-in loader; no dependency). */
export function loadDotEnv(file = ".env"): void {
  try {
    process.loadEnvFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}
