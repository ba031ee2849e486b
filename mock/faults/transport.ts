/** Faults of the transport: the plain-HTTP origin, the TLS versions and HSTS. */
import { authenticate, unauthorized } from '../auth';
import type { MockBehaviour } from '../behaviour';
import { fail } from '../envelope';
import { redirect, type PlainHttpBehaviour } from '../plain-http';
import { bendPart, type Fault } from './fault';

/** The plain-HTTP origin accepts connections, whatever the mode, and answers with `answer`. */
const plainHttpAnswers =
  (answer: PlainHttpBehaviour['answer']) =>
  (behaviour: MockBehaviour): MockBehaviour => ({ ...behaviour, plainHttp: { refuses: false, answer } });

export const TRANSPORT_FAULTS = {
  'http-serves-api': {
    breaks: ['TLS-02'],
    summary: 'The plain-HTTP origin serves the whole API, auth included',
    bend: plainHttpAnswers((ctx, req) => ctx.api(req)),
  },
  'http-auth-401': {
    breaks: ['TLS-02'],
    summary: 'The plain-HTTP origin runs the key check: a refused key gets the 401 envelope, a valid one 403',
    bend: plainHttpAnswers((ctx, req) => (authenticate(req, ctx.material.accounts).ok ? fail(403, 'HTTPS required') : unauthorized())),
  },
  'http-redirects-to-http': {
    breaks: ['TLS-02'],
    summary: 'The plain-HTTP origin redirects to an http: Location',
    bend: plainHttpAnswers((ctx, _req, target) => redirect(`${ctx.httpOrigin}${target}`)),
  },
  'http-redirect-with-data': {
    breaks: ['TLS-02'],
    summary: 'The plain-HTTP origin redirects to https: but its body is the answer the API would give',
    bend: plainHttpAnswers(async (ctx, req, target) => {
      const answer = await ctx.api(req);
      return { status: 301, headers: { ...answer.headers, location: `${ctx.httpsOrigin}${target}` }, body: answer.body };
    }),
  },
  'tls11-allowed': {
    breaks: ['TLS-04'],
    summary: 'HTTPS accepts TLS 1.0 and 1.1 handshakes',
    bend: bendPart('tls', () => ({ minVersion: 'TLSv1' as const, ciphers: 'DEFAULT@SECLEVEL=0' })),
  },
  'no-hsts': {
    breaks: ['TLS-03'],
    summary: 'HTTPS answers carry no Strict-Transport-Security',
    bend: (behaviour) => ({ ...behaviour, hsts: undefined }),
  },
  'short-hsts': {
    breaks: ['TLS-03'],
    summary: 'Strict-Transport-Security has max-age=3600',
    bend: (behaviour) => ({ ...behaviour, hsts: 'max-age=3600' }),
  },
} satisfies Record<string, Fault>;
