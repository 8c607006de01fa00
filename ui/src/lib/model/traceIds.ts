// A trace id pasted into the search box, in the spellings the engine reads
// (src/ids.rs): 32 hex digits (any case, `0x` allowed), a UUID, a W3C traceparent,
// or base64 of the 16 bytes. Plain numbers are not taken as ids here: in the search
// box a number is a word to find. Returns the id as the window writes it (lowercase
// hex), or null.

const HEX32 = /^(?:0x)?([0-9a-f]{32})$/i;
const UUID = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i;
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/i;
const BASE64 = /^[A-Za-z0-9+/_-]{22}(?:==)?$/;

export function traceIdOf(text: string): string | null {
  const value = text.trim();
  const hex =
    HEX32.exec(value)?.[1] ??
    UUID.exec(value)?.slice(1).join('') ??
    TRACEPARENT.exec(value)?.[1] ??
    (BASE64.test(value) && looksEncoded(value) ? base64Hex(value) : null);
  if (!hex || /^0+$/.test(hex)) return null; // all zeros: no trace (OTLP's "invalid")
  return hex.toLowerCase();
}

/** Base64 of random bytes mixes cases and digits (or ends in `==`); a 22-letter word does not. */
function looksEncoded(text: string): boolean {
  return text.endsWith('==') || (/[0-9+/_-]/.test(text) && /[a-z]/.test(text) && /[A-Z]/.test(text));
}

/** The 16 bytes of a base64 (standard or URL-safe) id as hex; null when it is not 16 bytes. */
function base64Hex(text: string): string | null {
  const standard = text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  let binary: string;
  try {
    binary = atob(standard + '=='.slice(0, (4 - (standard.length % 4)) % 4));
  } catch {
    return null;
  }
  if (binary.length !== 16) return null;
  return [...binary].map((char) => char.charCodeAt(0).toString(16).padStart(2, '0')).join('');
}
