/**
 * Input checks for query filters and JSON bodies. Each reader records what is wrong instead of
 * throwing, so one 422 lists every bad field, and hostile input can only ever produce a 4xx.
 */
import { fail, validationFailed, type Reply } from './envelope';
import type { ApiRequest } from './request';

export class Problems {
  readonly errors: Record<string, string> = {};

  add(field: string, message: string): void {
    this.errors[field] ??= message;
  }

  /** The 422 to answer, or undefined when nothing was wrong. */
  reply(): Reply | undefined {
    return Object.keys(this.errors).length === 0 ? undefined : validationFailed(this.errors);
  }
}

const INTEGER = /^\d{1,9}$/;
const DECIMAL = /^\d{1,9}(\.\d{1,6})?$/;

export function intQuery(query: URLSearchParams, name: string, range: { min: number; max?: number; fallback: number }, problems: Problems): number {
  const raw = query.get(name);
  if (raw === null) return range.fallback;
  const n = INTEGER.test(raw) ? Number(raw) : NaN;
  if (!(n >= range.min && n <= (range.max ?? Number.MAX_SAFE_INTEGER))) {
    problems.add(name, range.max === undefined ? `must be an integer >= ${range.min}` : `must be an integer from ${range.min} to ${range.max}`);
    return range.fallback;
  }
  return n;
}

export function amountQuery(query: URLSearchParams, name: string, problems: Problems): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (!DECIMAL.test(raw)) {
    problems.add(name, 'must be a number >= 0');
    return undefined;
  }
  return Number(raw);
}

export function enumQuery<T extends string>(query: URLSearchParams, name: string, allowed: readonly T[], problems: Problems): T | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (!(allowed as readonly string[]).includes(raw)) {
    problems.add(name, `must be one of ${allowed.join(', ')}`);
    return undefined;
  }
  return raw as T;
}

export function textQuery(query: URLSearchParams, name: string, rule: { maxLength: number; pattern?: RegExp }, problems: Problems): string | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (raw.length === 0 || raw.length > rule.maxLength || (rule.pattern && !rule.pattern.test(raw))) {
    problems.add(name, `is not a valid ${name}`);
    return undefined;
  }
  return raw;
}

export type JsonObject = Record<string, unknown>;

/** The body as a JSON object, or the 400/422 that says why it is not one. */
export function jsonBody(req: ApiRequest): { ok: true; body: JsonObject } | { ok: false; reply: Reply } {
  const type = req.headers['content-type'];
  if (!type || !/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    return { ok: false, reply: fail(400, 'Content-Type must be application/json') };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.body.toString('utf8'));
  } catch {
    return { ok: false, reply: fail(400, 'Malformed JSON body') };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, reply: validationFailed({ body: 'must be a JSON object' }) };
  }
  return { ok: true, body: parsed as JsonObject };
}

export function field(body: JsonObject, name: string): unknown {
  return Object.prototype.hasOwnProperty.call(body, name) ? body[name] : undefined;
}

export function requiredText(body: JsonObject, name: string, problems: Problems, maxLength = 255): string | undefined {
  const value = field(body, name);
  if (value === undefined) problems.add(name, 'is required');
  else if (typeof value !== 'string' || value.length === 0 || value.length > maxLength)
    problems.add(name, `must be a non-empty string of at most ${maxLength} characters`);
  else return value;
  return undefined;
}

export function quantity(body: JsonObject, problems: Problems): number {
  const value = field(body, 'quantity');
  if (value === undefined) return 1;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 100) {
    problems.add('quantity', 'must be an integer from 1 to 100');
    return 1;
  }
  return value;
}
