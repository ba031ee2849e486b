/**
 * The plain-HTTP origin. Conformant, it never reaches the auth layer or the API: it refuses the
 * connection, redirects to HTTPS with an empty body, or rejects with 403/426, by `httpMode`.
 */
import type { MockMaterial } from './accounts';
import { fail, type Reply } from './envelope';
import type { ApiRequest } from './request';

export type HttpMode = 'refuse' | 'redirect' | '403' | '426';

export const HTTP_MODES: readonly HttpMode[] = ['refuse', 'redirect', '403', '426'];

export function isHttpMode(value: string): value is HttpMode {
  return (HTTP_MODES as readonly string[]).includes(value);
}

export interface PlainHttpContext {
  material: MockMaterial;
  /** 'https://127.0.0.1:PORT' and 'http://127.0.0.1:PORT2', no trailing slash. */
  httpsOrigin: string;
  httpOrigin: string;
  /** The API as the HTTPS listener answers it. */
  api: (req: ApiRequest) => Reply | Promise<Reply>;
}

export interface PlainHttpBehaviour {
  /** The listener drops every connection unread. */
  refuses: boolean;
  /** The answer to a request; `target` is the path and query a redirect repeats. */
  answer(ctx: PlainHttpContext, req: ApiRequest, target: string): Reply | Promise<Reply>;
}

export function conformantPlainHttp(mode: HttpMode): PlainHttpBehaviour {
  return {
    refuses: mode === 'refuse',
    answer: (ctx, _req, target) => {
      switch (mode) {
        case '403':
          return fail(403, 'HTTPS required');
        case '426':
          return fail(426, 'HTTPS required', {}, { upgrade: 'TLS/1.2, HTTP/1.1', connection: 'Upgrade' });
        default:
          return redirect(`${ctx.httpsOrigin}${target}`);
      }
    },
  };
}

/** Bodiless, so nothing the API would say travels in clear text. */
export function redirect(location: string): Reply {
  return { status: 301, headers: { location }, body: '' };
}
