/**
 * The plain-HTTP origin. Conformant, it never reaches the auth layer or the API: it refuses the
 * connection, redirects to HTTPS with an empty body, or rejects with 403/426, by `httpMode`.
 * The transport faults replace that with the classic mistakes.
 */
import type { MockMaterial } from './accounts';
import { authenticate, unauthorized } from './auth';
import { fail, type Reply } from './envelope';
import type { FaultName } from './faults';
import type { ApiRequest } from './request';

export type HttpMode = 'refuse' | 'redirect' | '403' | '426';

export const HTTP_MODES: readonly HttpMode[] = ['refuse', 'redirect', '403', '426'];

export function isHttpMode(value: string): value is HttpMode {
  return (HTTP_MODES as readonly string[]).includes(value);
}

const TRANSPORT_FAULTS: readonly FaultName[] = ['http-serves-api', 'http-auth-401', 'http-redirects-to-http', 'http-redirect-with-data'];

/** Whether the listener should drop every connection unread; the transport faults all answer instead. */
export function refusesConnections(mode: HttpMode, fault?: FaultName): boolean {
  return mode === 'refuse' && !(fault !== undefined && TRANSPORT_FAULTS.includes(fault));
}

export interface PlainHttpContext {
  mode: HttpMode;
  fault?: FaultName;
  material: MockMaterial;
  /** 'https://127.0.0.1:PORT' and 'http://127.0.0.1:PORT2', no trailing slash. */
  httpsOrigin: string;
  httpOrigin: string;
  /** The API as the HTTPS listener answers it, for the faults that serve it here too. */
  api: (req: ApiRequest) => Reply | Promise<Reply>;
}

export async function plainHttpAnswer(ctx: PlainHttpContext, req: ApiRequest, target: string): Promise<Reply> {
  switch (ctx.fault) {
    case 'http-serves-api':
      return ctx.api(req);
    case 'http-auth-401':
      return authenticate(req, ctx.material.accounts).ok ? fail(403, 'HTTPS required') : unauthorized();
    case 'http-redirects-to-http':
      return redirect(`${ctx.httpOrigin}${target}`);
    case 'http-redirect-with-data': {
      const answer = await ctx.api(req);
      return { status: 301, headers: { ...answer.headers, location: `${ctx.httpsOrigin}${target}` }, body: answer.body };
    }
    default:
      break;
  }
  switch (ctx.mode) {
    case '403':
      return fail(403, 'HTTPS required');
    case '426':
      return fail(426, 'HTTPS required', {}, { upgrade: 'TLS/1.2, HTTP/1.1', connection: 'Upgrade' });
    default:
      return redirect(`${ctx.httpsOrigin}${target}`);
  }
}

/** Bodiless, so nothing the API would say travels in clear text. */
function redirect(location: string): Reply {
  return { status: 301, headers: { location }, body: '' };
}
