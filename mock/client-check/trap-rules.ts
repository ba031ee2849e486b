/**
 * The rules that judge what a client does at the checker's traps (traps.ts): the impostor port,
 * whose certificate does not chain to the printed CA (CLIENT-05), and the redirect trap, whose
 * every answer sends the client to another origin or to plain HTTP (CLIENT-06). Each is judged
 * only when its trap was asked for, and not judged when the trap was set but never reached.
 */
import { counted, each, keyPlaces, named, type Rule, type RuleContext } from './rules';
import type { Tally } from './tally';

/** How a connection to the impostor ended without a request: the client refused the certificate. */
export type Refusal = 'during the handshake' | 'after the handshake, before any request';

export interface ImpostorRule extends Rule {
  /** A connection to the impostor ended without a request. */
  refused(how: Refusal, tally: Tally): void;
}

export function verifiesCertificate(ctx: RuleContext): ImpostorRule {
  return {
    id: 'CLIENT-05',
    observe: (a, _answer, t) => {
      if (a.port !== 'impostor') return;
      if (a.keyed) ctx.leaked(a.keyed, 'it was sent to a server whose certificate the client did not verify');
      t.broke(
        `${named(a)}: the client accepted a certificate that does not chain to the printed CA and sent ${a.keyed ? `${keyPlaces(a)}: rotate that key` : 'a request (no key in it)'}`,
      );
    },
    refused: (how, t) => {
      t.held();
      t.count(`refused ${how}`);
    },
    unasked: (setup) => (setup.impostor ? undefined : 'not asked: start the checker with --impostor and point a run of your client at the impostor URL'),
    unseen: (setup) => ({
      status: 'not-judged',
      reason: `no connection reached the impostor port: point a run of your client at ${setup.urls.impostor ?? 'the impostor URL'} (it must refuse the certificate)`,
    }),
    held: (t) =>
      `${counted(t.observed, 'connection')} to the impostor, ${each(t.observed)}ended before any request (${[...t.counts].map(([how, n]) => `${how}: ${n}`).join('; ')})`,
  };
}

const REDIRECT_WORDS = { origin: 'another origin', plain: 'plain HTTP' } as const;

export function noKeyThroughRedirects(ctx: RuleContext): Rule {
  return {
    id: 'CLIENT-06',
    observe: (a, answer, t) => {
      if (a.port === 'trap') {
        t.held();
        if (answer.redirect) t.count(`redirected to ${REDIRECT_WORDS[answer.redirect]}`);
        return;
      }
      if (a.port !== 'trap-origin' && a.port !== 'trap-plain') return;
      const where = REDIRECT_WORDS[a.port === 'trap-plain' ? 'plain' : 'origin'];
      if (!a.keyed) {
        t.held();
        t.count(`followed to ${where} without the key`);
        return;
      }
      ctx.leaked(a.keyed, `a redirect took it to ${where}`);
      t.broke(`${named(a)}: followed the trap's redirect to ${where} with ${keyPlaces(a)}: rotate that key`);
    },
    unasked: (setup) => (setup.redirectTrap ? undefined : 'not asked: start the checker with --redirect-trap and point a run of your client at the trap URL'),
    unseen: (setup) => ({
      status: 'not-judged',
      reason: `no request reached the redirect trap: point a run of your client at ${setup.urls.trap ?? 'the trap URL'} (it must not follow with the key)`,
    }),
    held: (t) =>
      `${counted(t.counts.get('redirected to another origin') ?? 0, 'redirect')} to another origin and ${counted(t.counts.get('redirected to plain HTTP') ?? 0, 'redirect')} to plain HTTP, none followed with the key` +
      (t.counts.get('followed to another origin without the key') || t.counts.get('followed to plain HTTP without the key')
        ? ' (some followed without it)'
        : ''),
  };
}
