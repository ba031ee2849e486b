/**
 * The grammar of the names a server might read a credential under (AUTH-09's family, places.ts): a
 * prefix (none, `x`, `api`, `x-api`), a word (`key`, `token`, `apikey`, `access_token`, ...), a
 * spelling (`-`, `_`, nothing, camelCase) and a letter case. The names are a finite set, and the
 * spend guard allows exactly those on a keyed request (helpers/client/spend-guard.ts), so a name
 * added here is allowed there and nothing else is.
 */
const PREFIXES: ReadonlyArray<readonly string[]> = [[], ['x'], ['api'], ['x', 'api']];

/** Words a key goes by; `apikey` is one word as Kong, APISIX and Apigee spell it, `api` + `key` is two. */
const WORDS: ReadonlyArray<readonly string[]> = [
  ['key'],
  ['keys'],
  ['apikey'],
  ['token'],
  ['access', 'token'],
  ['auth', 'token'],
  ['access', 'key'],
  ['secret'],
  ['auth'],
  ['subscription', 'key'],
];

type Spelling = 'kebab' | 'snake' | 'joined' | 'camel';
type LetterCase = 'lower' | 'upper' | 'title' | 'acronym';

const SPELLINGS: readonly Spelling[] = ['kebab', 'snake', 'joined', 'camel'];
const LETTER_CASES: readonly LetterCase[] = ['lower', 'upper', 'title', 'acronym'];
const SEPARATOR: Readonly<Record<Spelling, string>> = { kebab: '-', snake: '_', joined: '', camel: '' };
/** How a header writer spells the acronyms among the parts (`X-API-Key`, `X-APIKey`). */
const ACRONYMS: Readonly<Record<string, string>> = { x: 'X', api: 'API', apikey: 'APIKey' };

const titled = (t: string): string => t.charAt(0).toUpperCase() + t.slice(1);

function cased(token: string, letterCase: LetterCase): string {
  if (letterCase === 'lower') return token;
  if (letterCase === 'upper') return token.toUpperCase();
  if (letterCase === 'acronym') return ACRONYMS[token] ?? titled(token);
  return titled(token);
}

/** One name: camelCase keeps the first part lower-case and cases the others. */
function spell(tokens: readonly string[], spelling: Spelling, letterCase: LetterCase): string {
  const parts = tokens.map((t, i) => (spelling === 'camel' && i === 0 ? t : cased(t, letterCase)));
  return parts.join(SEPARATOR[spelling]);
}

/** Every name the grammar makes, each once, in a fixed order. `api` twice (`api_apikey`) is no name anyone uses. */
export const NAMES: readonly string[] = [
  ...new Set(
    PREFIXES.flatMap((prefix) =>
      WORDS.filter((word) => !(prefix.includes('api') && word[0] === 'apikey')).flatMap((word) =>
        SPELLINGS.flatMap((spelling) => LETTER_CASES.map((letterCase) => spell([...prefix, ...word], spelling, letterCase))),
      ),
    ),
  ),
];
const NAME_SET: ReadonlySet<string> = new Set(NAMES);

/**
 * Whether `name`, byte for byte, is one the grammar makes: the header fields and query parameters
 * AUTH-09 may put a configured key under (helpers/client/spend-guard.ts allows exactly these).
 */
export function isCredentialPlaceName(name: string): boolean {
  return NAME_SET.has(name);
}
