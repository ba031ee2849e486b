/**
 * SAFE-09: the report calls nowhere. Allure 3.18's awesome plugin hard-codes `analyticsEnable:
 * true` in its template, so every generated index.html loads Google Tag Manager and reports when
 * and where it was opened (only plugin-allure2 reads ALLURE_NO_ANALYTICS). No option turns it off,
 * so the project's Allure config runs offline-report-plugin.ts after the report plugins, which
 * cleans every page with what is here: it removes every script loaded from another origin and the
 * inline gtag set-up, and a page that still holds a marker afterwards is deleted and reported, so
 * a changed template fails the build instead of phoning home (CI uploads the report folder even
 * after a failed step, and must never publish a page that calls out).
 */
import fs from 'node:fs';
import path from 'node:path';

/** A script whose src is another origin: `https://…`, `http://…` or scheme-relative `//…`. */
const REMOTE_SCRIPT = /<script\b[^>]*?\bsrc\s*=\s*["']?\s*(?:https?:)?\/\/[^>]*>[\s\S]*?<\/script\s*>/gi;
/** An inline script (no src) that sets up gtag or the tag manager. */
const INLINE_SCRIPT = /<script\b(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script\s*>/gi;
const ANALYTICS_CODE = /googletagmanager|\bgtag\s*\(|google-analytics/i;

/** What must not be left in a report page; each names what it found. */
const MARKERS: ReadonlyArray<[string, RegExp]> = [
  ['a googletagmanager.com address', /googletagmanager\.com/i],
  ['a google-analytics.com address', /google-analytics\.com/i],
  ['a gtag( call', /\bgtag\s*\(/],
  ['a script loaded from another origin', /<script\b[^>]*?\bsrc\s*=\s*["']?\s*(?:https?:)?\/\//i],
];

export function stripAnalytics(html: string): string {
  return html.replace(REMOTE_SCRIPT, '').replace(INLINE_SCRIPT, (script, code: string) => (ANALYTICS_CODE.test(code) ? '' : script));
}

/** The markers of analytics or remote scripts still in a page, by name. */
export function analyticsMarkers(html: string): string[] {
  return MARKERS.filter(([, re]) => re.test(html)).map(([name]) => name);
}

function htmlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.html'))
    .map((f) => path.join(dir, f));
}

/**
 * Strips every page under `dir` (a report folder, at any depth); returns the problems left, none
 * when clean. A page that still holds a marker is deleted.
 */
export function stripReport(dir: string): string[] {
  const problems: string[] = [];
  for (const file of fs.existsSync(dir) ? htmlFiles(dir) : []) {
    const html = fs.readFileSync(file, 'utf8');
    const stripped = stripAnalytics(html);
    if (stripped !== html) fs.writeFileSync(file, stripped);
    const left = analyticsMarkers(stripped);
    if (left.length > 0) {
      fs.rmSync(file);
      problems.push(`${file}: still held ${left.join(', ')}, so it was deleted`);
    }
  }
  return problems;
}
