/**
 * AUTH-14's client-identity family (issue 18): every header that proxies and frameworks read for
 * the client's address, the original host or the original URL, with loopback, private and
 * `localhost` values. An API that trusts one of them from any client lets that client pass as an
 * internal caller (skipping the key check) or rewrite the path after the check. A member is one
 * header with one value on one request: an address or host header on a GET endpoint, a URL header
 * on an unknown path or on `GET /` naming `GET balance`. The core has every header once with a
 * loopback value, every value once in X-Forwarded-For (what every proxy sets), and the URL headers
 * of today's list on both requests; drawn members are any header with any value, on any GET
 * endpoint. docs/families.md lists each header's source.
 */
import fc from 'fast-check';
import { ENDPOINTS } from '../contract/endpoints';
import type { Family } from './family';
import { BALANCE_FIELDS, endpointOf, type VariantContext, type VariantMember, type VariantRequest } from './variants';

/** What a header names: the client's address, the host it asked for, or the URL it asked for. */
type Kind = 'address' | 'host' | 'url';

interface IdentityHeader {
  id: string;
  name: string;
  kind: Kind;
  /** Who reads or sets it, so a reader can check the claim. */
  why: string;
  /** The field value for a value (an address or a name); the value itself by default. */
  spell?: (value: IdentityValue) => string;
}

interface IdentityValue {
  id: string;
  value: string;
  /** In a reviewer's words. */
  is: string;
}

export const VALUES: readonly IdentityValue[] = [
  { id: '127.0.0.1', value: '127.0.0.1', is: 'the IPv4 loopback address' },
  { id: '::1', value: '::1', is: 'the IPv6 loopback address' },
  { id: 'localhost', value: 'localhost', is: 'the loopback name (RFC 6761)' },
  { id: '10.0.0.1', value: '10.0.0.1', is: 'a private address (RFC 1918, 10/8)' },
  { id: '192.168.0.1', value: '192.168.0.1', is: 'a private address (RFC 1918, 192.168/16)' },
  { id: '172.16.0.1', value: '172.16.0.1', is: 'a private address (RFC 1918, 172.16/12)' },
  { id: '0.0.0.0', value: '0.0.0.0', is: '"this host" (RFC 1122), which Linux connects to loopback' },
  { id: '127.1', value: '127.1', is: "127.0.0.1's short form, which inet_aton reads" },
];

const value = (id: string): IdentityValue => VALUES.find((v) => v.id === id)!;
const LOOPBACK = value('127.0.0.1');
const LOCALHOST = value('localhost');

/** An address or name as a URI host: an IPv6 address in brackets. */
const uriHost = (v: IdentityValue): string => (v.value.includes(':') ? `[${v.value}]` : v.value);
/** RFC 7239 node and host values: quoted where they hold characters a token cannot (":" and "[" of IPv6). */
const forwardedNode = (v: IdentityValue): string => (v.value.includes(':') ? `"[${v.value}]"` : v.value);

const REQUEST_IP = 'read by the request-ip package (npm) among its client-address headers';
const PENTEST = 'named in the header lists of 403/401-bypass testing (HackTricks, PayloadsAllTheThings), from frameworks that read it';

export const HEADERS: readonly IdentityHeader[] = [
  {
    id: 'x-forwarded-for',
    name: 'X-Forwarded-For',
    kind: 'address',
    why: "the de facto client-address header (MDN); Express's req.ip with trust proxy, Rack, nginx's realip module",
  },
  { id: 'x-real-ip', name: 'X-Real-IP', kind: 'address', why: "nginx's realip module (real_ip_header X-Real-IP) and the proxy_set_header convention" },
  { id: 'forwarded-for', name: 'Forwarded', kind: 'address', why: 'RFC 7239 5.2, the for= parameter', spell: (v) => `for=${forwardedNode(v)}` },
  {
    id: 'forwarded-element',
    name: 'Forwarded',
    kind: 'address',
    why: "RFC 7239 4, a whole element as proxies send it; Spring's ForwardedHeaderFilter reads host and proto from it",
    spell: (v) => `for=${forwardedNode(v)};host=${forwardedNode(v)};proto=https`,
  },
  { id: 'x-client-ip', name: 'X-Client-IP', kind: 'address', why: `${REQUEST_IP} (its first)` },
  { id: 'x-cluster-client-ip', name: 'X-Cluster-Client-IP', kind: 'address', why: `Rackspace's load balancers and Riverbed Stingray set it; ${REQUEST_IP}` },
  { id: 'true-client-ip', name: 'True-Client-IP', kind: 'address', why: `Akamai and Cloudflare (Enterprise) set it; ${REQUEST_IP}` },
  {
    id: 'cf-connecting-ip',
    name: 'CF-Connecting-IP',
    kind: 'address',
    why: "Cloudflare's client address to the origin (Cloudflare docs, HTTP request headers)",
  },
  { id: 'fastly-client-ip', name: 'Fastly-Client-IP', kind: 'address', why: "Fastly's client address to the origin (Fastly docs)" },
  { id: 'x-originating-ip', name: 'X-Originating-IP', kind: 'address', why: `Microsoft's mail and web front ends set it; ${PENTEST}` },
  { id: 'x-remote-ip', name: 'X-Remote-IP', kind: 'address', why: PENTEST },
  { id: 'x-remote-addr', name: 'X-Remote-Addr', kind: 'address', why: PENTEST },
  { id: 'client-ip', name: 'Client-IP', kind: 'address', why: "Rails' ActionDispatch::RemoteIp reads it beside X-Forwarded-For (its IpSpoofAttackError)" },
  {
    id: 'x-envoy-external-address',
    name: 'X-Envoy-External-Address',
    kind: 'address',
    why: 'Envoy sets it to the trusted client address (Envoy docs, HTTP header manipulation)',
  },
  {
    id: 'x-forwarded-host',
    name: 'X-Forwarded-Host',
    kind: 'host',
    why: "Express's req.hostname with trust proxy, Django's USE_X_FORWARDED_HOST, Spring's ForwardedHeaderFilter; Symfony trusted it implicitly (CVE-2018-14774)",
    spell: uriHost,
  },
  { id: 'x-host', name: 'X-Host', kind: 'host', why: PENTEST, spell: uriHost },
  { id: 'x-original-host', name: 'X-Original-Host', kind: 'host', why: "Azure Application Gateway sets it to the client's Host", spell: uriHost },
  { id: 'x-forwarded-server', name: 'X-Forwarded-Server', kind: 'host', why: "Apache's mod_proxy sets it (reverse-proxy request headers)", spell: uriHost },
  { id: 'forwarded-host', name: 'Forwarded', kind: 'host', why: 'RFC 7239 5.3, the host= parameter', spell: (v) => `host=${forwardedNode(v)}` },
  {
    id: 'x-original-url',
    name: 'X-Original-URL',
    kind: 'url',
    why: 'IIS URL Rewrite sets it; Symfony rebuilt the request URI from it (CVE-2018-14773, GHSA-8wgj-6wx8-h5hq)',
  },
  { id: 'x-rewrite-url', name: 'X-Rewrite-URL', kind: 'url', why: 'IIS ISAPI rewriters set it; Symfony rebuilt the request URI from it (CVE-2018-14773)' },
  {
    id: 'x-original-uri',
    name: 'X-Original-URI',
    kind: 'url',
    why: "nginx's auth_request example passes the original URI in it (proxy_set_header X-Original-URI $request_uri)",
  },
  { id: 'x-forwarded-uri', name: 'X-Forwarded-Uri', kind: 'url', why: "Traefik's ForwardAuth and Apache APISIX's forward-auth send the request URI in it" },
  {
    id: 'x-forwarded-prefix',
    name: 'X-Forwarded-Prefix',
    kind: 'url',
    why: "Spring's ForwardedHeaderFilter rebuilds the path from it; Traefik's StripPrefix sets it",
  },
  {
    id: 'x-envoy-original-path',
    name: 'X-Envoy-Original-Path',
    kind: 'url',
    why: 'Envoy sets it when a route rewrites the path; Spring was asked to read it like X-Forwarded-Prefix (spring-framework #4732)',
  },
  { id: 'x-override-url', name: 'X-Override-URL', kind: 'url', why: PENTEST },
];

const header = (id: string): IdentityHeader => HEADERS.find((h) => h.id === id)!;

/** The GET endpoints an address or host header is tried on. */
const GET_ENDPOINTS = ['balance', 'catalog', 'orders', 'order'] as const;
type GetEndpoint = (typeof GET_ENDPOINTS)[number];
/** Where a URL header is sent: a path nothing serves, or the public `GET /` (whose own 2xx is fine, GET balance's fields on it are not). */
type RewriteOn = 'unknown-path' | 'root';
const REWRITE_ON: readonly RewriteOn[] = ['unknown-path', 'root'];

export interface IdentityMember extends VariantMember {
  header: string;
  value: string;
}

/** An address or host header with a value, on a GET endpoint. */
function trusted(h: IdentityHeader, v: IdentityValue, endpoint: GetEndpoint): IdentityMember {
  const title = ENDPOINTS.find((e) => e.id === endpoint)!.title;
  return {
    id: `${h.id}=${v.id}:${endpoint}`,
    title: `${title} with ${h.name}: ${(h.spell ?? ((x: IdentityValue) => x.value))(v)}`,
    why: `${h.why}; the value is ${v.is}`,
    header: h.name,
    value: v.id,
    meaning: 'the auth layer trusted a header any client can send',
    requests: (ctx: VariantContext): VariantRequest[] => {
      const e = endpointOf(ctx, endpoint);
      return [{ method: e.method, target: ctx.basePath + e.path, headers: [[h.name, (h.spell ?? ((x: IdentityValue) => x.value))(v)]] }];
    },
  };
}

/**
 * A URL header naming `GET balance`, as a path (`path`) or as an absolute URL on a host from the
 * values (`http://127.0.0.1/v1/balance`), on an unknown path or on `GET /`.
 */
function rewritten(h: IdentityHeader, v: IdentityValue | 'path', on: RewriteOn): IdentityMember {
  const spelt = v === 'path' ? '<GET balance>' : `http://${uriHost(v)}<GET balance>`;
  return {
    id: `${h.id}=${v === 'path' ? 'path' : v.id}:${on}`,
    title: `${h.name}: ${spelt} on ${on === 'root' ? 'GET /' : 'an unknown path'}`,
    why: v === 'path' ? h.why : `${h.why}; the host is ${v.is}`,
    header: h.name,
    value: v === 'path' ? 'path' : v.id,
    meaning: 'the URL was rewritten after the auth check',
    requests: (ctx: VariantContext): VariantRequest[] => {
      const balance = ctx.basePath + endpointOf(ctx, 'balance').path;
      const to = v === 'path' ? balance : `http://${uriHost(v)}${balance}`;
      return on === 'root'
        ? [{ method: 'GET', target: ctx.basePath, headers: [[h.name, to]], ...(ctx.rootProtected ? {} : { publicButNot: BALANCE_FIELDS }) }]
        : [{ method: 'GET', target: `${ctx.basePath}conformance-no-such-path`, headers: [[h.name, to]] }];
    },
  };
}

const CORE: readonly IdentityMember[] = [
  ...HEADERS.filter((h) => h.kind === 'address').map((h) => trusted(h, LOOPBACK, 'balance')),
  ...HEADERS.filter((h) => h.kind === 'host').map((h) => trusted(h, LOCALHOST, 'balance')),
  ...VALUES.filter((v) => v !== LOOPBACK).map((v) => trusted(header('x-forwarded-for'), v, 'balance')),
  ...HEADERS.filter((h) => h.kind === 'url').map((h) => rewritten(h, 'path', 'unknown-path')),
  rewritten(header('x-original-url'), 'path', 'root'),
  rewritten(header('x-rewrite-url'), 'path', 'root'),
];

const memberOf = (h: IdentityHeader, v: IdentityValue, endpoint: GetEndpoint, on: RewriteOn, asPath: boolean): IdentityMember =>
  h.kind === 'url' ? rewritten(h, asPath ? 'path' : v, on) : trusted(h, v, endpoint);

export const CLIENT_IDENTITY: Family<IdentityMember> = {
  id: 'auth-14-client-identity',
  core: CORE,
  arbitrary: fc
    .tuple(fc.constantFrom(...HEADERS), fc.constantFrom(...VALUES), fc.constantFrom(...GET_ENDPOINTS), fc.constantFrom(...REWRITE_ON), fc.boolean())
    .map(([h, v, endpoint, on, asPath]) => memberOf(h, v, endpoint, on, asPath)),
  sampled: 14,
  requestsPerMember: 2,
};
