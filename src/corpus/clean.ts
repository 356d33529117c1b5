/**
 * Removes site boilerplate from article text without losing article sentences.
 *
 * Scraped news text mixes the article with navigation, ads, share buttons, newsletter prompts and
 * datelines. Rather than listing the strings of particular sites, the cleaner looks at the *shape*
 * of each line - how long it is, whether it is a sentence, whether it is all capitals, whether it
 * is an imperative aimed at the reader - and at its neighbours (a short line is a subheading only
 * when prose follows it). Reporting sentences are protected: a sentence that says who said what
 * is never treated as a call to action, whatever words it contains.
 */
import { splitSentences } from "../text/sentences.js";
import { type DocumentMeta, fillMeta } from "./document.js";
import { readMetadataLine, stripBullet, titleKey } from "./metadata.js";

/** Options for {@link cleanLines}. */
export interface CleanOptions {
  /** The article's title when already known; body lines repeating it are dropped. */
  title?: string | null;
}

/** What {@link cleanLines} returns. */
export interface CleanResult {
  /** Cleaned paragraphs in order, one per kept line. */
  paragraphs: string[];
  /** Metadata read from the lines it came from (author, date, outlet, URL). */
  meta: DocumentMeta;
  /** Lines removed whole (after normalisation), for diagnostics and measurements. */
  dropped: string[];
}

/**
 * Loose vocabulary of reader-directed prompts. A sentence without any of these words is never
 * dropped by the sentence-level filter; with one, it is dropped only when its shape is also that of
 * a prompt (see {@link isCallToAction}).
 */
const CTA_CUE_GROUPS = [
  // Grouped by first letter: one big alternation of literals is the hot spot of cleaning.
  "a(?:pps?\\b|pp-store|dvert|ffiliate)",
  "b(?:ack to top)",
  "c(?:lick|ookie|omment|ontact|aught up)",
  "d(?:ownload|onat)",
  "e(?:xplore|ditor(?:'|’)?s picks)",
  "f(?:ollow|orward)",
  "g(?:et started)",
  "l(?:isten|og ?in)",
  "m(?:enu|ost (?:read|popular|viewed))",
  "n(?:ewsletter)",
  "p(?:atreon|rivacy)",
  "r(?:elated|ead more|ead the full|ights reserved|eturn to top|ecommended)",
  "s(?:ubscri|ign(?:ed|ing)?[- ]?up|ign in|hare|upport|ee you|earch)",
  "t(?:hank you for|ap\\b|ry\\b|op stories|rending)",
  "u(?:p next)",
  "w(?:atch)",
  "y(?:ou may also like)",
];
const CTA_CUE = new RegExp(
  `${CTA_CUE_GROUPS.map((group) => `\\b${group}`).join("|")}|^(?:video|audio|photos?|gallery)\\s*:`,
  "i",
);

/**
 * True when `text` contains a word from the call-to-action vocabulary (subscribe, newsletter,
 * download, follow, share, comment, related, read more, advertisement, click, cookie, ...).
 * Having a cue is necessary but not sufficient for the cleaner to drop a sentence.
 */
export function hasCtaCue(text: string): boolean {
  return CTA_CUE.test(text);
}

/** Sentences reporting what someone said or did are article text, whatever words they contain. */
const REPORTING = /\b(?:said|says|told|according to|reported|reports that|announced|wrote|stated|testified|claimed)\b/i;

/** Prompts recognisable on their own, once the sentence is short and not reporting. */
const STRONG_CTA: readonly RegExp[] = [
  /^(?:please\s+)?(?:subscribe|sign[- ]?up|register now|log ?in to|donate)\b/i,
  /\bsign(?:ing|ed)?[- ]?up\b.{0,60}\b(?:newsletters?|here|today|inbox)\b/i,
  /\bnewsletters?\b.{0,60}\bsign(?:ing)?[- ]?up\b/i,
  /\bsubscrib(?:e|ing)\b.{0,30}\b(?:here|now|today|newsletters?|to (?:our|more))\b/i,
  /\bforward(?:ed)? (?:you )?this (?:email|newsletter)\b/i,
  /\bthank you for (?:signing up|subscribing|reading|your support|supporting)\b/i,
  /^(?:please\s+)?download\b.{0,40}\b(?:apps?|our|now|today|here|free)\b/i,
  /\bdownload (?:our|my)\b/i,
  /\b(?:click|tap) (?:here|this link|the link|below)\b/i,
  /^advertisement\b/i,
  /\b(?:article|story) continues (?:below|after)\b/i,
  /^continue reading\b/i,
  /^(?:skip|jump) to\b/i,
  /\bno comments yet\b/i,
  /\b(?:leave|post|add) a comment\b/i,
  /\bjoin the (?:conversation|discussion)\b/i,
  /^(?:view|show|load|see) (?:all )?(?:\d+ )?comments\b/i,
  /^read (?:more|next|also|the full|the rest|the latest|on)\b/i,
  /^(?:see also|also read|read also|more|related)\s*:/i,
  /^(?:please\s+)?follow\b.{0,80}\b(?:on|at|via)\s+(?:x|twitter|facebook|instagram|bluesky|threads|tiktok|linkedin|youtube|telegram|whatsapp)\b/i,
  /\b(?:follow|like) us\b/i,
  /^(?:share|tweet|email|print) (?:this|the) (?:article|story|post|page)\b/i,
  /^share (?:on|via)\b/i,
  /\bsupport(?:ing)? (?:our |local |independent |quality |this )?journalism\b/i,
  /\bon patreon\b/i,
  /\bbecome an? (?:digital )?(?:subscriber|member|patron|supporter)\b/i,
  /\b(?:we|this (?:site|website)) uses? cookies\b/i,
  /\b(?:accept|manage|reject)(?: all)? cookies\b/i,
  /\bcookie (?:policy|settings|preferences|consent)\b/i,
  /\b(?:agree(?:ing)? to|accept|read|see|view)\b.{0,60}\b(?:privacy (?:policy|notice)|terms of (?:use|service)|cookie policy)\b/i,
  /\b(?:privacy policy|terms of (?:use|service))\b.{0,40}\bapply\b/i,
  /^(?:privacy(?: policy| notice)?|terms of (?:use|service)|cookie (?:policy|settings))$/i,
  /\ball rights reserved\b/i,
  /^(?:get started|get the app|try (?:it|us) (?:for )?free|start (?:your )?free trial)\b/i,
  /^(?:listen|watch)\b.{0,40}\b(?:now|here|below|live)\b/i,
  /\bplayer below\b/i,
  /\b(?:we may earn|earn an affiliate|affiliate (?:fee|commission|link))\b/i,
  /^(?:contact|reach|email)\b[^.]{0,80}(?:@\w|\.com\b)/i,
  /\byou(?:'|’)re all caught up\b/i,
  /^see you (?:tomorrow|next|soon|then|on)\b/i,
];

/**
 * Verbs that open a prompt aimed at the reader ("Download our app", "Try Our AI Features").
 * "Share" and "Support" are left out: as nouns they open news sentences ("Share prices rose today").
 */
const IMPERATIVE_START =
  /^(?:please\s+)?(?:subscribe|sign|download|install|follow|click|tap|join|donate|get|try|explore|discover|watch|listen|read|register|visit|check out|don(?:'|’)t miss|never miss|want|ready|stay|learn more|find out more|see)\b/i;
/** What such prompts offer: the site itself, its app, its newsletter, "here", "now". */
const CTA_OBJECT =
  /\b(?:us|our|app|apps|newsletters?|inbox|here|now|today|free|patreon|subscription|podcasts?|features?|updates|more|alerts?)\b/i;
/** Very short navigation and widget labels. */
const SHORT_CUE =
  /^(?:comments?|share(?: this)?(?: article| story| page)?|related(?: articles?| stories| content| coverage| links| topics)?|advertisement|sponsored(?: content)?|newsletters?|subscribe|read more|more stories|menu|search|log ?in|sign in|home|back to top|return to top|top stories|most (?:read|popular|viewed)|trending(?: now)?|recommended(?: for you)?|you may also like|up next|editor(?:'|’)?s picks)(?:\s*\(\d+\))?\s*[:.…]*$/i;

/**
 * True when a sentence is a prompt aimed at the reader (subscribe, sign up, download the app,
 * follow us, read more, comments, cookie notices...) rather than article text.
 *
 * A cue word alone is not enough: the sentence must also be short, must not report speech
 * ("said", "according to"), and must match a prompt pattern or open with an imperative verb
 * aimed at the reader. So "To get the refund, download the IRS2Go app or file online, the agency
 * said" survives while "Download our app today." does not.
 */
export function isCallToAction(sentence: string): boolean {
  const text = sentence.trim();
  if (!text || !CTA_CUE.test(text)) return false;
  const words = countWords(text);
  if (words > 40 || REPORTING.test(text)) return false;
  // A sentence that closes a quotation is someone speaking, not the page prompting the reader.
  if (/[”"]$/.test(text)) return false;
  if (STRONG_CTA.some((pattern) => pattern.test(text))) return true;
  // Prompts often hide behind a teaser: "Like what you're reading?: Download the app".
  const clause = text.replace(/^.{1,80}?[:?!]\s+(?=\p{Lu})/u, "");
  if (clause !== text && STRONG_CTA.some((pattern) => pattern.source.startsWith("^") && pattern.test(clause)))
    return true;
  if (words <= 12 && /^(?:watch|listen|video|audio|photos?|gallery)\s*:/i.test(text)) return true;
  const imperative = IMPERATIVE_START.test(text) || IMPERATIVE_START.test(clause);
  if (words <= 15 && imperative && (CTA_OBJECT.test(text) || /!["'”’]?$/.test(text))) return true;
  return words <= 4 && SHORT_CUE.test(text);
}

/**
 * Labels that scrapers glue in front of real text ("AI-assisted summary The Trump administration
 * ...", "Read more GOP beats down ..."): removing the label keeps the sentence behind it.
 */
const CTA_PREFIX =
  /^(?:ai[- ]assisted summary|advertisement(?:\s*[-–—:]?\s*(?:article|story) continues below(?: this ad(?:vertisement)?)?)?|read more|sponsored)\s*:?\s+(?=["'“‘\p{Lu}\p{N}])/iu;

/**
 * Drops call-to-action sentences from a paragraph and keeps the rest, e.g. "Did someone forward
 * you this newsletter? Subscribe here." disappear from the middle of a newsletter-style article.
 * When what remains of a mostly-prompt paragraph is a short fragment ("Ready to dive in?"), the
 * whole paragraph goes.
 *
 * @returns the paragraph (unchanged when nothing matched), or "" when nothing of it is kept
 */
export function dropCtaSentences(paragraph: string): string {
  if (!CTA_CUE.test(paragraph) && !CTA_PREFIX.test(paragraph)) return paragraph;
  const kept: string[] = [];
  let removedWords = 0;
  let changed = false;
  for (const sentence of splitSentences(paragraph)) {
    const stripped = stripCtaPrefix(sentence);
    if (isCallToAction(stripped)) {
      removedWords += countWords(stripped);
      changed = true;
      continue;
    }
    if (stripped !== sentence) changed = true;
    kept.push(stripped);
  }
  if (!changed) return paragraph;
  const keptWords = kept.reduce((sum, sentence) => sum + countWords(sentence), 0);
  if (keptWords === 0) return "";
  // What is left of a mostly-prompt paragraph is the prompt's teaser ("Ready to dive in?",
  // "Here's why."), unless it is a statement of some length, which may carry a fact.
  const teaser = kept.every(
    (sentence) => countWords(sentence) <= 6 || /[?!]["'”’]?$/.test(sentence) || !SENTENCE_END.test(sentence),
  );
  if (keptWords <= 12 && removedWords >= keptWords && teaser) return "";
  return kept.join(" ");
}

function stripCtaPrefix(sentence: string): string {
  const match = CTA_PREFIX.exec(sentence);
  if (!match) return sentence;
  const rest = sentence.slice(match[0].length);
  return countWords(rest) >= 4 ? rest : sentence;
}

/**
 * Normalises one line: removes zero-width characters and soft hyphens, turns non-breaking and tab
 * spaces into plain spaces, collapses runs of spaces and trims. Letters and punctuation are never
 * changed, so quoted facts stay byte-comparable with the source.
 */
export function normalizeLine(line: string): string {
  let text = line;
  if (ODD_SPACE.test(text)) {
    text = text.replace(/[\u200B-\u200D\u2060\uFEFF\u00AD]/g, "").replace(/[\u00A0\u2007\u202F\t\f\v]/g, " ");
  }
  if (text.includes("  ")) text = text.replace(/ {2,}/g, " ");
  return text.trim();
}

const ODD_SPACE = /[\u200B-\u200D\u2060\uFEFF\u00AD\u00A0\u2007\u202F\t\f\v]/;

/** Counts whitespace-separated words. */
export function countWords(text: string): number {
  // A plain loop: this runs on every line and sentence, and split(/\s+/) allocates arrays.
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    const space = code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x2028 || code === 0x2029;
    if (space) inWord = false;
    else if (!inWord) {
      inWord = true;
      words += 1;
    }
  }
  return words;
}

/** Ends like a sentence: terminal punctuation, possibly inside closing quotes or brackets. */
const SENTENCE_END = /[.!?…]["'”’)\]]*$/;

/** A line of running text: a sentence of five words or more, or any line of fifteen words or more. */
function isProse(text: string, words: number): boolean {
  return words >= 15 || (words >= 5 && SENTENCE_END.test(text));
}

/** Share buttons and social-network rows ("Facebook Twitter Whatsapp Reddit Email Share"). */
const SOCIAL_WORDS = new Set(
  "facebook twitter x whatsapp reddit email e-mail linkedin pinterest share print copy link flipboard telegram messenger threads bluesky tumblr mail sms comment comments save bookmark gift article url".split(
    " ",
  ),
);

const PHOTO_CREDIT =
  /^(?:photo|photograph|image|picture|video|illustration|graphic|credit)s?(?:\s+credit)?\s*(?::|by\b)/i;
const PAREN_CREDIT = /^\([^()]{0,60}\b(?:getty|images?|photos?|ap|reuters|afp|epa|shutterstock|file)\b[^()]{0,40}\)$/i;
const COPYRIGHT = /^(?:©|\(c\)\s|copyright\b)/i;
const GALLERY_NAV = /^(?:prev(?:ious)?\s*)?(?:next\s*)?(?:image|photo|slide) \d+ (?:of|\/) \d+$/i;
const BREADCRUMB_ITEM = /^(\d{1,2})[.)]\s+(.+)$/;
const BREADCRUMB_LINE = /^home\s*[>›»/|]\s*\S/i;

interface Item {
  text: string;
  words: number;
  keep: boolean;
  /** Part of a list of short lines; such lines are kept whatever their shape. */
  inList?: boolean;
}

/**
 * Cleans an article's lines into paragraphs.
 *
 * Dropped: metadata lines (bylines, datelines, relative times, reading times, view counters - their
 * values go to `meta`), breadcrumb lists, lines without lower-case letters, share rows, photo
 * credits, lines repeating the title, call-to-action lines and sentences, and short labels (1-3
 * words) or dangling lead-ins ("... for you:") that are not followed by the text they introduce.
 * Kept: everything else, including subheadings followed by prose and image captions.
 *
 * @param lines - the article's lines; empty lines are ignored (each kept line is a paragraph)
 */
export function cleanLines(lines: readonly string[], options: CleanOptions = {}): CleanResult {
  const meta: DocumentMeta = {};
  const dropped: string[] = [];
  const title = options.title ? { key: titleKey(options.title), length: options.title.length } : null;
  const items: Item[] = [];
  for (const line of lines) {
    const text = normalizeLine(line);
    if (text) items.push({ text, words: countWords(text), keep: true });
  }

  dropBreadcrumbs(items);

  for (const item of items) {
    if (!item.keep) continue;
    const found = readMetadataLine(item.text);
    if (found) {
      fillMeta(meta, found.meta);
      item.keep = false;
      continue;
    }
    if (isBoilerplateLine(item, title)) {
      item.keep = false;
      continue;
    }
    const text = dropCtaSentences(item.text);
    if (!text) {
      item.keep = false;
    } else if (text !== item.text) {
      item.text = text;
      item.words = countWords(text);
    }
  }

  markLists(items);

  // Context pass, from the end so that each line's successor is already decided: labels and
  // lead-ins survive only when what they introduce follows directly and survives too.
  for (let i = items.length - 1; i >= 0; i -= 1) {
    const item = items[i];
    if (!item?.keep || item.inList) continue;
    const next = items[i + 1];
    const nextKept = next?.keep === true;
    if (isLabel(item)) {
      // A bulleted label outside a list is a widget ("• WORLD"), never a subheading.
      const bulleted = stripBullet(item.text) !== item.text;
      if (bulleted || !(nextKept && next && (next.inList || isProse(next.text, next.words)))) item.keep = false;
    } else if (item.words <= 20 && LEAD_IN.test(item.text) && !nextKept) {
      item.keep = false;
    }
  }

  const paragraphs: string[] = [];
  for (const item of items) {
    if (!item.keep) {
      dropped.push(item.text);
      continue;
    }
    // Scrapers often print a block twice in a row; the second copy adds nothing.
    if (paragraphs[paragraphs.length - 1] === item.text) continue;
    paragraphs.push(item.text);
  }
  return { paragraphs, meta, dropped };
}

/**
 * A line that labels what follows rather than saying anything: 1-3 words without digits that do
 * not end like a sentence ("Comments", "Orange background", "Georgia"), or a short line without
 * lower-case letters ("WORLD", "USA TODAY", "ADAPTED SCREENPLAY").
 */
function isLabel(item: Item): boolean {
  if (item.words <= 3 && !/\d/.test(item.text) && !/[.]["'”’)]*$/.test(item.text)) return true;
  return item.words <= 10 && !/\p{Ll}/u.test(item.text);
}

/** Ends like the lead-in of a list or quote ("... may include:"). */
const LEAD_IN = /:["'”’]?$/;

/** A kept line that is not prose and at most twelve words long: a heading, label or list item. */
function isShortLine(item: Item): boolean {
  return item.keep && item.words <= 12 && !isProse(item.text, item.words) && !LEAD_IN.test(item.text);
}

/**
 * Marks list items so that the label rule does not eat them: three or more consecutive short lines
 * (nominees, states, symptoms), or two or more right after a lead-in ending with ":". Navigation
 * junk rarely survives the line-local rules in such runs, while real lists carry facts.
 */
function markLists(items: Item[]): void {
  let i = 0;
  while (i < items.length) {
    if (!items[i] || !isShortLine(items[i] as Item)) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < items.length && isShortLine(items[j] as Item)) j += 1;
    const previous = items[i - 1];
    const afterLeadIn = previous?.keep === true && LEAD_IN.test(previous.text);
    // Distinct lines only: a headline printed twice after a logo is not a list.
    const distinct = new Set(items.slice(i, j).map((item) => item.text)).size;
    if (distinct >= 3 || (afterLeadIn && distinct >= 2)) {
      for (let k = i; k < j; k += 1) (items[k] as Item).inList = true;
    }
    i = j;
  }
}

/** Line-local boilerplate shapes (see {@link cleanLines}). */
function isBoilerplateLine(item: Item, title: { key: string; length: number } | null): boolean {
  const text = item.text;
  if (!/[\p{L}\p{N}]/u.test(text)) return true; // "***", "♦", "—"
  // Folding every line is costly; only lines of about the title's length can repeat it.
  if (title && Math.abs(text.length - title.length) <= 8 + title.length / 4 && titleKey(text) === title.key)
    return true;
  if (item.words <= 6 && /\s[—–-]$/.test(text)) return true; // dateline stub: "Washington CNN —"
  if (BREADCRUMB_LINE.test(text) && item.words <= 15) return true;
  const bare = stripBullet(text);
  if (
    item.words <= 10 &&
    bare.split(/\s+/).every((word) => SOCIAL_WORDS.has(word.toLowerCase().replace(/[^\p{L}-]/gu, "")))
  ) {
    return true;
  }
  if (
    item.words <= 15 &&
    (PHOTO_CREDIT.test(bare) || PAREN_CREDIT.test(bare) || COPYRIGHT.test(bare) || GALLERY_NAV.test(bare))
  ) {
    return true;
  }
  return false;
}

/**
 * Drops breadcrumb trails printed as numbered lists ("1. HOME", "2. WORLD", "3. <headline>"):
 * runs of two or more consecutively numbered short items without sentence punctuation, which start
 * at "Home" or with an all-capitals item. Numbered lists of sentences in articles are untouched.
 */
function dropBreadcrumbs(items: Item[]): void {
  let i = 0;
  while (i < items.length) {
    const run: Array<{ item: Item; content: string }> = [];
    let expected = 1;
    for (let j = i; j < items.length; j += 1) {
      const candidate = items[j];
      const match = candidate ? BREADCRUMB_ITEM.exec(candidate.text) : null;
      if (!candidate || !match || Number(match[1]) !== expected) break;
      run.push({ item: candidate, content: match[2] ?? "" });
      expected += 1;
    }
    if (run.length >= 2) {
      const shortItems = run.every(({ content }) => countWords(content) <= 12 && !SENTENCE_END.test(content));
      const first = run[0]?.content ?? "";
      const navigational = /^home$/i.test(first) || !/\p{Ll}/u.test(first);
      if (shortItems && navigational) for (const { item } of run) item.keep = false;
      i += run.length;
    } else {
      i += 1;
    }
  }
}
