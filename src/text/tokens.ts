/**
 * Tokenisation shared by the keyword index, the offline embedder and answer scoring, so that all
 * three agree on what a "term" is.
 */

/** Common English function words that carry no topical signal. */
export const STOPWORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are aren't as at be because been before
being below between both but by can could did do does doing down during each few for from further
had has have having he her here hers herself him himself his how i if in into is it its itself just
me more most my myself no nor not now of off on once only or other our ours ourselves out over own
same she should so some such than that the their theirs them themselves then there these they this
those through to too under until up very was we were what when where which while who whom why will
with would you your yours yourself yourselves said says say s t d ll m re ve y ago per via
upon might must shall within without onto among amid did does let lets get got also yet ever
`
    .split(/\s+/)
    .filter(Boolean),
);

/** Folds case and strips diacritics so "Zelenskyy", "ZELENSKYY" and "Zélenskyy" meet. */
export function foldText(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[’‘`´]/g, "'");
}

/**
 * Splits text into lower-cased word tokens (letters and digits), dropping possessive endings.
 * Keeps stopwords; see {@link contentTerms} for index terms.
 */
export function wordTokens(text: string): string[] {
  // Dotted acronyms ("U.S.", "U.N.") become one token, as their undotted spelling does; digit
  // groups ("1,200", "3.5") stay one number.
  const folded = foldText(text)
    .replace(/\b(?:\p{L}\.){2,}/gu, (acronym) => acronym.replace(/\./g, ""))
    .replace(/(\d)[,.](?=\d)/g, "$1");
  const tokens: string[] = [];
  for (const match of folded.matchAll(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu)) {
    let token = match[0];
    const apostrophe = token.indexOf("'");
    if (apostrophe > 0) token = token.slice(0, apostrophe);
    if (token) tokens.push(token);
  }
  return tokens;
}

/**
 * A light, predictable English stemmer (plural and common verb endings only). Aggressive stemmers
 * damage proper names, which carry most of the signal in news questions.
 */
export function stem(token: string): string {
  if (token.length <= 3 || /\d/.test(token)) return token;
  const exception = STEM_EXCEPTIONS.get(token);
  if (exception) return exception;
  let word = token;
  if (word.endsWith("ies") && word.length > 4) word = `${word.slice(0, -3)}y`;
  else if (word.endsWith("sses")) word = word.slice(0, -2);
  else if (word.endsWith("s") && !/(ss|us|is)$/.test(word)) word = word.slice(0, -1);
  // Nominalisations meet their verb: "confirmation" and "confirmed".
  if (word.endsWith("ation") && word.length > 8) word = word.slice(0, -5);
  // Past tense and participles: "lasted" and "last", "meeting" and "meet", "planned" and "plan".
  if (word.endsWith("ied") && word.length > 5) word = `${word.slice(0, -3)}y`;
  else if (word.endsWith("ed") && !word.endsWith("eed") && word.length > 4 && hasVowel(word.slice(0, -2))) {
    word = undouble(word.slice(0, -2));
  } else if (word.endsWith("ing") && word.length > 5 && hasVowel(word.slice(0, -3))) {
    word = undouble(word.slice(0, -3));
  }
  // A final silent "e" is dropped so "base"/"based" and "make"/"making" meet.
  if (word.endsWith("e") && word.length > 3) word = word.slice(0, -1);
  return word;
}

/** Words the suffix rules would merge with an unrelated word ("news" is not the plural of "new"). */
const STEM_EXCEPTIONS = new Map([
  ["news", "news"],
  ["series", "series"],
  ["species", "species"],
  ["during", "during"],
  ["nothing", "nothing"],
  ["something", "something"],
  ["everything", "everything"],
  ["morning", "morning"],
  ["evening", "evening"],
  ["ceiling", "ceiling"],
]);

function hasVowel(text: string): boolean {
  return /[aeiouy]/.test(text);
}

/** "stopp" -> "stop", but "fall", "kiss" and "buzz" keep their double letter. */
function undouble(word: string): string {
  return /([^aeiouylsz])\1$/.test(word) ? word.slice(0, -1) : word;
}

/** Index terms: word tokens without stopwords, stemmed. */
export function contentTerms(text: string): string[] {
  const terms: string[] = [];
  for (const token of wordTokens(text)) {
    if (STOPWORDS.has(token)) continue;
    if (token.length === 1 && !/\d/.test(token)) continue;
    terms.push(stem(token));
  }
  return terms;
}
