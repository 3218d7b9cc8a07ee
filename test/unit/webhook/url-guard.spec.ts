import { describe, expect, it } from '@jest/globals';
import {
  type ResolveHost,
  WebhookUrlRefusedError,
  addressRefusal,
  checkWebhookUrl,
  resolveDeliveryAddress,
} from '../../../src/infrastructure/webhooks/url-guard.js';

const STRICT = { allowLoopback: false };
const LOOPBACK = { allowLoopback: true };

describe('addressRefusal: which resolved addresses may receive webhooks', () => {
  it.each([
    ['10.1.2.3', 'a private address'],
    ['172.16.0.1', 'a private address'],
    ['172.31.255.254', 'a private address'],
    ['192.168.1.10', 'a private address'],
    ['169.254.169.254', 'a link-local address'],
    ['100.64.0.1', 'a carrier-grade NAT (shared) address'],
    ['127.0.0.1', 'a loopback address'],
    ['127.8.9.10', 'a loopback address'],
    ['0.0.0.0', 'the unspecified address'],
    ['255.255.255.255', 'the broadcast address'],
    ['224.0.0.1', 'a multicast address'],
    ['192.0.2.1', 'a reserved address'],
    ['::1', 'a loopback address'],
    ['::', 'the unspecified address'],
    ['fc00::1', 'a unique-local address'],
    ['fd12:3456::1', 'a unique-local address'],
    ['fe80::1', 'a link-local address'],
    ['ff02::1', 'a multicast address'],
    ['::ffff:10.0.0.1', 'a private address'],
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['::ffff:169.254.169.254', 'a link-local address'],
    ['64:ff9b::a00:1', 'an IPv4-embedded (NAT64) address'],
    ['2002:a00:1::1', 'a 6to4 address'],
    ['2001:db8::1', 'a reserved address'],
  ])('refuses %s as %s', (address, reason) => {
    expect(addressRefusal(address, STRICT)).toBe(reason);
  });

  it.each(['10.0.0.1', '192.168.0.1', '169.254.169.254', 'fc00::1', 'fe80::1', '::ffff:10.0.0.1', '0.0.0.0'])(
    'refuses %s even with allowLoopback',
    (address) => {
      expect(addressRefusal(address, LOOPBACK)).toBeDefined();
    },
  );

  it.each(['127.0.0.1', '127.255.0.1', '::1', '::ffff:127.0.0.1'])(
    'allows loopback %s only with allowLoopback',
    (address) => {
      expect(addressRefusal(address, STRICT)).toBe('a loopback address');
      expect(addressRefusal(address, LOOPBACK)).toBeUndefined();
    },
  );

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'allows public %s',
    (address) => {
      expect(addressRefusal(address, STRICT)).toBeUndefined();
    },
  );
});

describe('checkWebhookUrl: the URL itself', () => {
  const refusal = (url: string, options = STRICT): string | undefined => {
    try {
      checkWebhookUrl(url, options);
      return undefined;
    } catch (error) {
      if (error instanceof WebhookUrlRefusedError) return error.reason;
      throw error;
    }
  };

  it.each([
    ['http://ris.example.org/hook', STRICT, 'webhooks are delivered over https only'],
    [
      'ftp://ris.example.org/hook',
      LOOPBACK,
      'webhooks are delivered over https (or http to a loopback address)',
    ],
    ['not a url', STRICT, 'it is not an absolute URL'],
    [
      'https://user:pw@ris.example.org/hook',
      STRICT,
      'it carries credentials; authenticate with the signature instead',
    ],
    ['https://10.0.0.1/hook', STRICT, 'its host is a private address'],
    ['https://[fe80::1]/hook', STRICT, 'its host is a link-local address'],
    ['https://[::ffff:10.0.0.1]/hook', STRICT, 'its host is a private address'],
    ['https://127.0.0.1/hook', STRICT, 'its host is a loopback address'],
    // The URL parser reads 0x7f.1 as 127.0.0.1: the check sees the address, not the spelling.
    ['https://0x7f.1/hook', STRICT, 'its host is a loopback address'],
    ['http://93.184.215.14/hook', LOOPBACK, 'http is allowed only to a loopback address; use https'],
  ])('refuses %s', (url, options, reason) => {
    expect(refusal(url, options)).toBe(reason);
  });

  it.each([
    ['https://ris.example.org/hooks?tenant=3', STRICT],
    ['https://93.184.215.14:8443/hook', STRICT],
    ['http://127.0.0.1:4000/hook', LOOPBACK],
    ['http://[::1]:4000/hook', LOOPBACK],
    ['https://127.0.0.1/hook', LOOPBACK],
    ['http://localhost:4000/hook', LOOPBACK],
  ])('accepts %s (its addresses are checked when it is resolved)', (url, options) => {
    expect(refusal(url, options)).toBeUndefined();
  });
});

describe('resolveDeliveryAddress: every address the host resolves to', () => {
  const resolvesTo =
    (...addresses: string[]): ResolveHost =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  const reasonOf = async (promise: Promise<unknown>): Promise<string> => {
    try {
      await promise;
    } catch (error) {
      if (error instanceof WebhookUrlRefusedError) return error.reason;
      throw error;
    }
    throw new Error('not refused');
  };

  it('answers the public address a name resolves to', async () => {
    await expect(
      resolveDeliveryAddress('https://ris.example.org/hook', STRICT, resolvesTo('93.184.215.14')),
    ).resolves.toEqual({ address: '93.184.215.14', family: 4 });
  });

  it('refuses a name that resolves to a private address, naming it', async () => {
    expect(
      await reasonOf(resolveDeliveryAddress('https://intranet.example.org/', STRICT, resolvesTo('10.0.0.7'))),
    ).toBe('it resolves to a private address (10.0.0.7)');
  });

  it('refuses a name with one public and one private address', async () => {
    expect(
      await reasonOf(
        resolveDeliveryAddress('https://mixed.example.org/', STRICT, resolvesTo('93.184.215.14', 'fd00::5')),
      ),
    ).toBe('it resolves to a unique-local address (fd00::5)');
  });

  it('refuses a name that does not resolve', async () => {
    const nowhere: ResolveHost = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    expect(await reasonOf(resolveDeliveryAddress('https://nowhere.example/', STRICT, nowhere))).toBe(
      'its host nowhere.example does not resolve',
    );
  });

  it('refuses http to a name that resolves to a public address, even with allowLoopback', async () => {
    expect(
      await reasonOf(
        resolveDeliveryAddress('http://ris.example.org/', LOOPBACK, resolvesTo('93.184.215.14')),
      ),
    ).toBe('http is allowed only to a loopback address, and it resolves to 93.184.215.14; use https');
  });

  // The system resolver, as deliveries use it: localhost is the machine itself.
  it('refuses localhost without allowLoopback', async () => {
    expect(await reasonOf(resolveDeliveryAddress('https://localhost:4000/hook', STRICT))).toMatch(
      /^it resolves to a loopback address \((127\.0\.0\.1|::1)\)$/,
    );
  });

  it('allows localhost, over http too, with allowLoopback', async () => {
    const { address } = await resolveDeliveryAddress('http://localhost:4000/hook', LOOPBACK);
    expect(['127.0.0.1', '::1']).toContain(address);
  });

  it('answers an address literal without resolving it', async () => {
    const never: ResolveHost = async () => {
      throw new Error('resolved');
    };
    await expect(resolveDeliveryAddress('http://[::1]:9/h', LOOPBACK, never)).resolves.toEqual({
      address: '::1',
      family: 6,
    });
  });
});
