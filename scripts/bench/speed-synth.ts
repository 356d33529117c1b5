/**
 * Synthetic news corpora for the speed benchmark, drawn from a real corpus's vocabulary and
 * sentence shapes: a word-bigram Markov chain trained on the real sentences (each sentence starts
 * with a real sentence opener and ends where real sentences end), grouped into paragraphs and
 * articles of about 5-8 chunks, with headlines from the same chain and outlets, authors and dates
 * drawn from the real corpus. Deterministic for a given seed.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { chunkArticle } from "../../src/index/chunk.js";
import { splitSentences } from "../../src/text/sentences.js";
import type { CorpusRow } from "./quiz-data.js";

/** A benchmark question made from a corpus sentence; `needle` is the words it was made from. */
export interface SynthQuestion {
  question: string;
  needle: string;
}

/** The questions one query run uses: made from corpus sentences, and real RealTime QA ones. */
export interface QuestionSets {
  sentences: SynthQuestion[];
  /** Real questions; `needle` is the correct choice's text, `date` the question's "today". */
  real: (SynthQuestion & { date: string })[];
}

export interface SynthCorpus {
  articles: number;
  /** Chunks expected from the calibration (the build reports the real count). */
  estimatedChunks: number;
  files: number;
  bytes: number;
  questions: SynthQuestion[];
}

const END = -1;
const MIN_WORDS = 6;
const MAX_WORDS = 45;
const ARTICLES_PER_FILE = 2000;
/** Made-up outlets added to the real corpus's hosts, so source filters and citations see variety. */
const EXTRA_OUTLETS = [
  "Riverside Gazette",
  "Northern Ledger",
  "Capitol Wire",
  "Harbor Daily",
  "Metro Courier",
  "Valley Tribune",
  "Coastal Herald",
  "Prairie Post",
  "Summit Observer",
  "Lakeside Times",
  "Union Dispatch",
  "Evening Record",
];

/** mulberry32: a small, fast, seedable PRNG. */
export function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(items: readonly T[], random: () => number): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

/** Word-bigram chain: successors per word id, duplicates kept so frequent pairs are drawn more often. */
export class MarkovText {
  private readonly words: string[] = [];
  private readonly ids = new Map<string, number>();
  private readonly starts: number[] = [];
  private readonly next: number[][] = [];
  readonly sources: string[];
  readonly authors: string[];
  /** Publication dates of the training articles: synthetic articles get dates drawn from them. */
  readonly dates: string[];

  constructor(rows: readonly CorpusRow[]) {
    for (const row of rows) {
      for (const sentence of splitSentences(row.text)) this.learn(sentence.split(/\s+/));
    }
    this.sources = [...new Set(rows.map((row) => outletOf(row.url)).filter((host): host is string => host !== null))];
    this.authors = [...new Set(rows.flatMap((row) => row.authors ?? []))].filter((name) => name.length < 40);
    this.dates = rows
      .map((row) => row.published)
      .filter((date): date is string => typeof date === "string" && /^\d{4}-\d\d-\d\d$/.test(date));
    if (this.starts.length === 0) throw new Error("the training corpus has no usable sentences");
    this.sources.push(...EXTRA_OUTLETS);
  }

  /** Vocabulary size, for the report. */
  get vocabulary(): number {
    return this.words.length;
  }

  /** One sentence of MIN_WORDS..MAX_WORDS words in the shape of the training sentences. */
  sentence(random: () => number): string {
    for (;;) {
      const out: string[] = [];
      let current = pick(this.starts, random);
      while (current !== END && out.length < MAX_WORDS) {
        out.push(this.words[current] ?? "");
        current = pick(this.next[current] ?? [END], random);
      }
      if (out.length < MIN_WORDS) continue;
      const last = out[out.length - 1] ?? "";
      if (!/[.!?]["”’)]?$/.test(last)) out[out.length - 1] = `${last.replace(/[,;:]+$/, "")}.`;
      return out.join(" ");
    }
  }

  /** A headline: a shortened sentence without its final punctuation. */
  title(random: () => number): string {
    const words = this.sentence(random)
      .split(" ")
      .slice(0, 6 + Math.floor(random() * 8));
    return words.join(" ").replace(/[.,;:!?"”’]+$/, "");
  }

  private learn(tokens: string[]): void {
    if (tokens.length < MIN_WORDS || tokens.length > 80) return;
    const ids = tokens.map((word) => this.intern(word));
    this.starts.push(ids[0] ?? 0);
    ids.forEach((id, i) => {
      this.next[id]?.push(ids[i + 1] ?? END);
    });
  }

  private intern(word: string): number {
    let id = this.ids.get(word);
    if (id === undefined) {
      id = this.words.length;
      this.words.push(word);
      this.ids.set(word, id);
      this.next.push([]);
    }
    return id;
  }
}

function outletOf(url: string | undefined): string | null {
  try {
    return url ? new URL(url).hostname.replace(/^www\./, "") : null;
  } catch {
    return null;
  }
}

/** An article body of about `targetChars` characters: paragraphs of 1-4 sentences. */
function articleText(model: MarkovText, targetChars: number, random: () => number): string[] {
  const paragraphs: string[] = [];
  let length = 0;
  while (length < targetChars) {
    const sentences = 1 + Math.floor(random() * 4);
    const paragraph = Array.from({ length: sentences }, () => model.sentence(random)).join(" ");
    paragraphs.push(paragraph);
    length += paragraph.length + 2;
  }
  return paragraphs;
}

/** Characters of article text per chunk at these chunking settings, measured on a sample. */
export function charsPerChunk(model: MarkovText, chunking: { size: number; overlap: number }, seed: number): number {
  const random = rng(seed);
  let chars = 0;
  let chunks = 0;
  for (let i = 0; i < 200; i += 1) {
    const text = articleText(model, 3000 + random() * 6000, random).join("\n\n");
    chars += text.length;
    chunks += chunkArticle({ docId: `sample-${i}`, text }, chunking).length;
  }
  return chars / Math.max(1, chunks);
}

/** A date drawn from the real corpus's publication dates (so date preferences match as often). */
function publishedDate(model: MarkovText, random: () => number): string {
  if (model.dates.length > 0) return pick(model.dates, random);
  return new Date(Date.UTC(2023, 0, 1) + Math.floor(random() * 1095) * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A question from 6-9 consecutive words of one of the text's sentences of 10 or more words:
 * "What <words>?"; null when the text has no such sentence.
 */
export function sentenceQuestion(text: string, random: () => number): SynthQuestion | null {
  const long = splitSentences(text)
    .map((sentence) => sentence.split(/\s+/))
    .filter((words) => words.length >= 10);
  if (long.length === 0) return null;
  const words = pick(long, random);
  const length = 6 + Math.floor(random() * 4);
  const start = Math.floor(random() * (words.length - length));
  const needle = words.slice(start, start + length).join(" ");
  return { question: `What ${needle.replace(/[.,;:!?"“”’]+$/, "")}?`, needle };
}

/** `count` sentence questions from distinct texts, picked at random. */
export function sentenceQuestions(texts: readonly string[], count: number, seed: number): SynthQuestion[] {
  const random = rng(seed);
  const order = texts.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
  }
  const questions: SynthQuestion[] = [];
  for (const i of order) {
    if (questions.length >= count) break;
    const question = sentenceQuestion(texts[i] ?? "", random);
    if (question) questions.push(question);
  }
  return questions;
}

/**
 * Writes about `targetChunks` chunks of synthetic articles as JSON Lines files (2,000 articles
 * each, like a scraper's daily exports) into `dir`, and picks `queries` questions uniformly over
 * the articles (reservoir sampling).
 */
export async function writeSyntheticCorpus(options: {
  model: MarkovText;
  dir: string;
  targetChunks: number;
  queries: number;
  chunking: { size: number; overlap: number };
  seed: number;
}): Promise<SynthCorpus> {
  const { model, dir, targetChunks, queries } = options;
  const random = rng(options.seed);
  const perChunk = charsPerChunk(model, options.chunking, options.seed ^ 0x5eed);
  await mkdir(dir, { recursive: true });
  const questions: SynthQuestion[] = [];
  let seen = 0;
  let chunks = 0;
  let articles = 0;
  let files = 0;
  let bytes = 0;
  let lines: string[] = [];
  const flush = async () => {
    if (lines.length === 0) return;
    const content = `${lines.join("\n")}\n`;
    await writeFile(path.join(dir, `synthetic-${String(files).padStart(4, "0")}.jsonl`), content);
    bytes += Buffer.byteLength(content);
    files += 1;
    lines = [];
  };
  while (chunks < targetChunks) {
    const wanted = Math.min(5 + Math.floor(random() * 4), Math.max(1, targetChunks - chunks));
    const paragraphs = articleText(model, wanted * perChunk, random);
    const outlet = pick(model.sources, random);
    const host = outlet.includes(".") ? outlet : `${outlet.toLowerCase().replace(/\s+/g, "")}.example`;
    const id = `syn-${articles}`;
    const authors = model.authors.length > 0 && random() < 0.6 ? [pick(model.authors, random)] : [];
    const row = {
      id,
      url: `https://${host}/synthetic/${id}`,
      title: model.title(random),
      authors,
      source: outlet,
      published: publishedDate(model, random),
      text: paragraphs.join("\n\n"),
    };
    lines.push(JSON.stringify(row));
    // Reservoir sampling: every article has the same chance to contribute a question.
    seen += 1;
    const slot = seen <= queries ? seen - 1 : Math.floor(random() * seen);
    if (slot < queries) {
      const question = sentenceQuestion(row.text, random);
      if (question) questions[slot] = question;
    }
    chunks += wanted;
    articles += 1;
    if (lines.length >= ARTICLES_PER_FILE) await flush();
  }
  await flush();
  return { articles, estimatedChunks: chunks, files, bytes, questions: questions.filter(Boolean) };
}
