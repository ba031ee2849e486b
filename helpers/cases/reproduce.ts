/**
 * A reproduction for every finding (issue 18): a command a person can paste to send the same
 * request and see the same answer. `curl` with `--path-as-is` (and `--request-target` for a
 * request-target curl would otherwise rebuild) where curl can send the bytes; a `printf … |
 * openssl s_client` form where it cannot (bytes outside printable ASCII, HTTP/1.0 spellings curl
 * would change). A configured key is never written out: it stands as the shell variable that holds
 * it ("$CARDPLUSPAY_API_KEY"), a key derived from it as a shell expression over that variable, so
 * the command holds no secret and passes the output boundary like everything else.
 */

/** A request as it went on the wire. */
export interface WireForm {
  method: string;
  /** The origin it went to (scheme, host, port). */
  origin: string;
  /** The request-target exactly as sent. */
  target: string;
  headerLines: ReadonlyArray<readonly [string, string]>;
  body?: string;
  /** `1.0` for a request sent as HTTP/1.0. */
  httpVersion?: '1.0' | '1.1';
}

/** A value the command must not spell out, and the shell expression that stands for it. */
export interface Stand {
  value: string;
  /** A shell word that expands to the value: `"$CARDPLUSPAY_API_KEY"`, `"${CARDPLUSPAY_API_KEY:0:9}x${CARDPLUSPAY_API_KEY:10}"`. */
  shell: string;
}

/** How the command trusts the target: the CA file's variable when one is configured. */
export interface ReproOptions {
  stands: readonly Stand[];
  caFileVariable?: string;
  /** The seed of the run, so the command's comment tells how to replay the run's whole sample. */
  seed?: number;
  /** The test's title, for the replay line. */
  title?: string;
}

/** Single-quoted for a POSIX shell: every byte as written. */
function quoted(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Text as shell words: quoted literals, with every stand's value replaced by its expression. */
function shellWord(text: string, stands: readonly Stand[]): string {
  // Longest values first, so a key inside a longer value is never split.
  const sorted = [...stands].filter((s) => s.value).sort((a, b) => b.value.length - a.value.length);
  const parts: string[] = [];
  let rest = text;
  for (;;) {
    let at = -1;
    let stand: Stand | undefined;
    for (const s of sorted) {
      const i = rest.indexOf(s.value);
      if (i >= 0 && (at < 0 || i < at)) {
        at = i;
        stand = s;
      }
    }
    if (!stand) break;
    if (at > 0) parts.push(quoted(rest.slice(0, at)));
    parts.push(stand.shell);
    rest = rest.slice(at + stand.value.length);
  }
  if (rest || parts.length === 0) parts.push(quoted(rest));
  return parts.join('');
}

/** Whether curl sends this request byte for byte: printable ASCII, HTTP/1.1 or 1.0, an origin-form or absolute-form target. */
function curlCanSend(form: WireForm): boolean {
  const printable = (s: string): boolean => /^[\x20-\x7e]*$/.test(s);
  return (
    printable(form.method) &&
    printable(form.target) &&
    form.headerLines.every(([n, v]) => printable(n) && printable(v) && n.length > 0) &&
    (form.body === undefined || printable(form.body))
  );
}

/** The command that sends this request again, and how to replay the run's sample. */
export function reproduction(form: WireForm, options: ReproOptions): string {
  const url = new URL(form.origin);
  const replay =
    options.seed !== undefined
      ? [`# replay the run's whole sample: CARDPLUSPAY_SEED=${options.seed} npx playwright test${options.title ? ` --grep ${quoted(options.title)}` : ''}`]
      : [];
  const command = curlCanSend(form) ? curlCommand(form, url, options) : opensslCommand(form, url, options);
  return [...replay, command].join('\n');
}

function curlCommand(form: WireForm, url: URL, options: ReproOptions): string {
  const args = ['curl', '-sS', '-i', '--path-as-is'];
  // Offered over TLS as ALPN "http/1.0", which Node's servers refuse outright: HTTP/1.0 goes without ALPN, as Node's client sends it.
  if (form.httpVersion === '1.0') args.push('--http1.0', ...(url.protocol === 'https:' ? ['--no-alpn'] : []));
  if (options.caFileVariable) args.push('--cacert', `"$${options.caFileVariable}"`);
  args.push('-X', quoted(form.method));
  // curl sends the path of its URL as the target, less any `#fragment`; anything else (an absolute form, a `#`) goes as given.
  const originForm = form.target.startsWith('/') && !form.target.includes('#');
  args.push(shellWord(`${url.origin}${originForm ? form.target : '/'}`, options.stands));
  if (!originForm) args.push('--request-target', shellWord(form.target, options.stands));
  // curl adds its own Host, Accept and User-Agent unless told: each field is given, an empty one removed.
  const given = new Set(form.headerLines.map(([n]) => n.toLowerCase()));
  for (const [name, value] of form.headerLines) {
    if (name.toLowerCase() === 'content-length') continue;
    args.push('-H', shellWord(`${name}: ${value}`, options.stands));
  }
  for (const name of ['Accept', 'User-Agent']) if (!given.has(name.toLowerCase())) args.push('-H', quoted(`${name}:`));
  if (form.body !== undefined) args.push('--data-binary', shellWord(form.body, options.stands));
  return args.join(' ');
}

/** printf's format for bytes: every byte outside printable ASCII, `%` and `\` as an escape. */
function printfFormat(text: string): string {
  return Array.from(Buffer.from(text, 'latin1'), (b) =>
    b >= 0x20 && b < 0x7f && b !== 0x25 && b !== 0x5c && b !== 0x27 ? String.fromCharCode(b) : `\\${b.toString(8).padStart(3, '0')}`,
  ).join('');
}

function opensslCommand(form: WireForm, url: URL, options: ReproOptions): string {
  const lines = [`${form.method} ${form.target} HTTP/${form.httpVersion ?? '1.1'}`, ...form.headerLines.map(([n, v]) => `${n}: ${v}`), '', form.body ?? ''];
  // The stands go in as printf arguments (%s), so no secret is written into the format.
  const sorted = [...options.stands].filter((s) => s.value).sort((a, b) => b.value.length - a.value.length);
  const argsUsed: string[] = [];
  let format = '';
  let rest = lines.join('\r\n');
  for (;;) {
    let at = -1;
    let stand: Stand | undefined;
    for (const s of sorted) {
      const i = rest.indexOf(s.value);
      if (i >= 0 && (at < 0 || i < at)) {
        at = i;
        stand = s;
      }
    }
    if (!stand) break;
    format += printfFormat(rest.slice(0, at)) + '%s';
    argsUsed.push(stand.shell);
    rest = rest.slice(at + stand.value.length);
  }
  format += printfFormat(rest);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const client =
    url.protocol === 'https:'
      ? `openssl s_client -quiet -connect ${quoted(`${url.hostname}:${port}`)} -servername ${quoted(url.hostname)}${options.caFileVariable ? ` -CAfile "$${options.caFileVariable}"` : ''}`
      : `nc ${quoted(url.hostname)} ${port}`;
  return `printf '${format}' ${argsUsed.join(' ')} | ${client}`.replace(/ +\|/, ' |');
}
