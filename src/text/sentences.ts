/**
 * Sentence splitting for news prose.
 *
 * News text is full of periods that do not end sentences ("Mr. Peskov", "U.S.", "R-S.D.",
 * "4:47 p.m. ET", "Aug. 28") and of sentences that end inside quotes (`...overnight.”`). A
 * rule-based splitter that knows these shapes is predictable, fast and needs no model.
 */

/** Lower-cased abbreviations (without the final period) after which a period does not end a sentence. */
const ABBREVIATIONS = new Set([
  "mr",
  "mrs",
  "ms",
  "dr",
  "prof",
  "sr",
  "jr",
  "st",
  "mt",
  "ft",
  "gen",
  "lt",
  "col",
  "maj",
  "capt",
  "sgt",
  "cpl",
  "adm",
  "gov",
  "sen",
  "rep",
  "pres",
  "rev",
  "hon",
  "supt",
  "amb",
  "atty",
  "insp",
  "jan",
  "feb",
  "mar",
  "apr",
  "jun",
  "jul",
  "aug",
  "sep",
  "sept",
  "oct",
  "nov",
  "dec",
  "mon",
  "tue",
  "tues",
  "wed",
  "thu",
  "thur",
  "thurs",
  "fri",
  "sat",
  "sun",
  "no",
  "nos",
  "vol",
  "vs",
  "etc",
  "inc",
  "ltd",
  "co",
  "corp",
  "dept",
  "est",
  "approx",
  "fig",
  "al",
  "cf",
  "e.g",
  "i.e",
  "a.m",
  "p.m",
  "u.s",
  "u.k",
  "u.n",
  "e.u",
  "d.c",
  "n.y",
  "l.a",
]);

const CLOSERS = `"'”’)]»`;

/**
 * Splits text into sentences. Paragraph breaks (newlines) always end a sentence.
 * Returns trimmed, non-empty sentences in order.
 */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  for (const paragraph of text.split(/\n+/)) {
    const trimmed = paragraph.trim();
    if (trimmed) splitParagraph(trimmed, sentences);
  }
  return sentences;
}

function splitParagraph(paragraph: string, out: string[]): void {
  let start = 0;
  const length = paragraph.length;
  for (let i = 0; i < length; i += 1) {
    const char = paragraph[i];
    if (char !== "." && char !== "!" && char !== "?" && char !== "…") continue;
    // Swallow runs of terminal punctuation and closing quotes/brackets: `?!`, `.”`, `...)`.
    let end = i + 1;
    while (end < length && (".!?…".includes(paragraph[end] ?? "") || CLOSERS.includes(paragraph[end] ?? ""))) {
      end += 1;
    }
    if (end >= length) break;
    if (!/\s/.test(paragraph[end] ?? "")) {
      i = end - 1;
      continue;
    }
    // The next non-space character must plausibly start a sentence.
    let next = end;
    while (next < length && /\s/.test(paragraph[next] ?? "")) next += 1;
    const nextChar = paragraph[next] ?? "";
    if (!/[\p{Lu}\p{N}"'“‘([]/u.test(nextChar)) {
      i = end - 1;
      continue;
    }
    if (char === "." && isAbbreviation(paragraph, i)) {
      i = end - 1;
      continue;
    }
    const sentence = paragraph.slice(start, end).trim();
    if (sentence) out.push(sentence);
    start = next;
    i = next - 1;
  }
  const rest = paragraph.slice(start).trim();
  if (rest) out.push(rest);
}

/** True when the period at `dotIndex` ends an abbreviation or an initial rather than a sentence. */
function isAbbreviation(text: string, dotIndex: number): boolean {
  let wordStart = dotIndex;
  while (wordStart > 0 && /[\p{L}.-]/u.test(text[wordStart - 1] ?? "")) wordStart -= 1;
  const word = text.slice(wordStart, dotIndex).replace(/^[-.]+/, "");
  if (!word) return false;
  const lower = word.toLowerCase();
  if (ABBREVIATIONS.has(lower)) return true;
  // Last part of a hyphenated party tag such as "R-S.D." or "D-N.Y.".
  const lastPart = lower.split("-").pop() ?? lower;
  if (ABBREVIATIONS.has(lastPart)) return true;
  // A single capital letter is an initial ("John F. Kennedy"); dotted acronyms ("U.S.A").
  if (/^\p{Lu}$/u.test(word)) return true;
  if (/^(\p{L}\.)+\p{L}$/u.test(word)) return true;
  return false;
}
