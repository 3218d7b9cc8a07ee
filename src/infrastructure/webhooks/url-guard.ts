import { lookup as dnsLookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

/**
 * The guard against server-side request forgery for webhooks: a receiver is an `https` URL whose
 * host resolves to public addresses only. With `allowLoopback` (WEBHOOKS_ALLOW_LOOPBACK, for
 * development and tests) `http` is allowed too, but only to 127.0.0.0/8 and ::1, and those loopback
 * addresses become allowed for `https` as well. Checked when an endpoint is registered or changed,
 * and again on the resolved address at every delivery, which then connects to exactly that address
 * (so a name that resolves differently later cannot reach an internal host: no DNS rebinding).
 */

export interface UrlGuardOptions {
  allowLoopback: boolean;
}

/** Why a URL may not receive webhooks; `reason` is a phrase that completes "refused: …". */
export class WebhookUrlRefusedError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`The webhook URL ${url.slice(0, 200)} is refused: ${reason}.`);
    this.name = 'WebhookUrlRefusedError';
  }
}

export interface DeliveryAddress {
  address: string;
  family: 4 | 6;
}

/** How a host name is resolved (node:dns `lookup` with `all: true`); tests may resolve names themselves. */
export type ResolveHost = (hostname: string) => Promise<readonly { address: string; family: number }[]>;

const systemResolver: ResolveHost = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** ipaddr.js ranges, as a sentence says them. Only `unicast` is public; everything else is refused. */
const RANGE_WORDS: Readonly<Record<string, string>> = {
  private: 'a private address',
  loopback: 'a loopback address',
  linkLocal: 'a link-local address',
  uniqueLocal: 'a unique-local address',
  carrierGradeNat: 'a carrier-grade NAT (shared) address',
  multicast: 'a multicast address',
  unspecified: 'the unspecified address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved address',
  benchmarking: 'a benchmarking address',
  ipv4Mapped: 'an IPv4-mapped address',
  rfc6145: 'an IPv4-translated address',
  rfc6052: 'an IPv4-embedded (NAT64) address',
  '6to4': 'a 6to4 address',
  teredo: 'a Teredo address',
  discard: 'a discard-only address',
  as112: 'an AS112 address',
};

const HOST_LITERAL = /^\[(.*)\]$/;

/**
 * Why this address may not receive webhooks, or undefined when it may. An IPv4-mapped IPv6 address
 * is judged as the IPv4 address it carries.
 */
export function addressRefusal(address: string, { allowLoopback }: UrlGuardOptions): string | undefined {
  if (!ipaddr.isValid(address)) return `"${address.slice(0, 64)}" is not an IP address`;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const range = parsed.range();
  if (range === 'unicast') return undefined;
  if (range === 'loopback' && allowLoopback) return undefined;
  return RANGE_WORDS[range] ?? `a ${range} address`;
}

const isLoopback = (address: string): boolean => {
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed.range() === 'loopback';
};

/**
 * The syntax half, without resolving anything: an absolute `https` URL (also `http` with
 * allowLoopback), no credentials, and a host that, if it is an address, is an allowed one.
 * Returns the parsed URL; throws WebhookUrlRefusedError.
 */
export function checkWebhookUrl(url: string, options: UrlGuardOptions): URL {
  if (!URL.canParse(url)) throw new WebhookUrlRefusedError(url, 'it is not an absolute URL');
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && !(options.allowLoopback && parsed.protocol === 'http:')) {
    throw new WebhookUrlRefusedError(
      url,
      options.allowLoopback
        ? 'webhooks are delivered over https (or http to a loopback address)'
        : 'webhooks are delivered over https only',
    );
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new WebhookUrlRefusedError(url, 'it carries credentials; authenticate with the signature instead');
  }
  if (parsed.hash !== '') throw new WebhookUrlRefusedError(url, 'it has a fragment');
  const host = parsed.hostname.replace(HOST_LITERAL, '$1');
  if (ipaddr.isValid(host)) {
    const refusal = addressRefusal(host, options);
    if (refusal) throw new WebhookUrlRefusedError(url, `its host is ${refusal}`);
    if (parsed.protocol === 'http:' && !isLoopback(host)) {
      throw new WebhookUrlRefusedError(url, 'http is allowed only to a loopback address; use https');
    }
  }
  return parsed;
}

/**
 * The address to deliver to: resolves the URL's host (every address it has) and refuses the URL if
 * any of them is not allowed (one public and one private address is still a way in). Connect to the
 * returned address, sending the URL's host name as Host and TLS server name.
 */
export async function resolveDeliveryAddress(
  url: string,
  options: UrlGuardOptions,
  resolve: ResolveHost = systemResolver,
): Promise<DeliveryAddress> {
  const parsed = checkWebhookUrl(url, options);
  const host = parsed.hostname.replace(HOST_LITERAL, '$1');
  let addresses: readonly { address: string; family: number }[];
  if (ipaddr.isValid(host)) {
    addresses = [{ address: host, family: ipaddr.parse(host).kind() === 'ipv6' ? 6 : 4 }];
  } else {
    try {
      addresses = await resolve(host);
    } catch {
      throw new WebhookUrlRefusedError(url, `its host ${host} does not resolve`);
    }
  }
  if (addresses.length === 0) throw new WebhookUrlRefusedError(url, `its host ${host} does not resolve`);
  for (const { address } of addresses) {
    const refusal = addressRefusal(address, options);
    if (refusal) throw new WebhookUrlRefusedError(url, `it resolves to ${refusal} (${address})`);
    if (parsed.protocol === 'http:' && !isLoopback(address)) {
      throw new WebhookUrlRefusedError(
        url,
        `http is allowed only to a loopback address, and it resolves to ${address}; use https`,
      );
    }
  }
  const [first] = addresses;
  return { address: first!.address, family: first!.family === 6 ? 6 : 4 };
}
