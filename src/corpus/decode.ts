/**
 * Turns file bytes into text, or explains why the bytes are not text. Corpus folders collect
 * whatever people drop into them (PDFs renamed to .txt, truncated downloads, Latin-1 exports), and
 * one bad file must cost a warning, not the whole ingestion run.
 */

/** Result of {@link decodeText}: the text, or the reason the bytes were rejected. */
export type DecodedText = { ok: true; text: string; note?: string } | { ok: false; reason: string };

/** Share of undecodable or control characters above which bytes are treated as binary. */
const BINARY_RATIO = 0.05;

/**
 * Decodes a file's bytes as UTF-8 (with or without BOM; UTF-16 when it has a UTF-16 BOM).
 *
 * - Empty or whitespace-only content is rejected ("empty file").
 * - A NUL byte in the first 8 KiB, or more than 5% invalid UTF-8 / control characters, means
 *   binary content and is rejected.
 * - A few invalid UTF-8 sequences in text whose other non-ASCII characters are all invalid too
 *   usually mean a Windows-1252 export: the bytes are decoded that way instead. When valid
 *   multi-byte characters are present as well, the file is damaged UTF-8 and stays UTF-8.
 *   Either way the result carries a `note` for the caller to report.
 */
export function decodeText(content: Buffer): DecodedText {
  if (content.length === 0) return { ok: false, reason: "empty file" };

  let text: string;
  if (content[0] === 0xff && content[1] === 0xfe) {
    text = new TextDecoder("utf-16le").decode(content.subarray(2));
  } else if (content[0] === 0xfe && content[1] === 0xff) {
    text = new TextDecoder("utf-16be").decode(content.subarray(2));
  } else {
    const head = content.subarray(0, 8192);
    if (head.includes(0)) return { ok: false, reason: "binary file (contains NUL bytes)" };
    text = new TextDecoder("utf-8").decode(content);
    const invalid = countChars(text, (code) => code === 0xfffd);
    if (invalid > 0) {
      const suspicious = invalid + countChars(text, isControl);
      if (suspicious / text.length > BINARY_RATIO) {
        return { ok: false, reason: "binary file (not valid UTF-8 text)" };
      }
      // Valid multi-byte characters elsewhere mean UTF-8 with a few damaged bytes: keep UTF-8.
      if (countChars(text, (code) => code > 0x7f && code !== 0xfffd) > 0) {
        return finish(text, `${invalid} invalid UTF-8 sequence(s) replaced with U+FFFD`);
      }
      const fallback = new TextDecoder("windows-1252").decode(content);
      return finish(fallback, `${invalid} invalid UTF-8 sequence(s); decoded as Windows-1252`);
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const controls = countChars(text, isControl);
  if (text.length > 0 && controls / text.length > BINARY_RATIO) {
    return { ok: false, reason: "binary file (control characters)" };
  }
  return finish(text);
}

function finish(text: string, note?: string): DecodedText {
  if (!text.trim()) return { ok: false, reason: "empty file" };
  return note ? { ok: true, text, note } : { ok: true, text };
}

/** C0 control characters other than tab, newlines, form feed and carriage return; and DEL. */
function isControl(code: number): boolean {
  return code <= 0x08 || (code >= 0x0e && code <= 0x1f) || code === 0x7f;
}

function countChars(text: string, test: (code: number) => boolean): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) if (test(text.charCodeAt(i))) count += 1;
  return count;
}
