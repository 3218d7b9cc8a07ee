import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type {
  WebhookRequest,
  WebhookResponse,
  WebhookSender,
} from '../../../application/webhook/delivery/webhook-delivery.ports.js';

/** The address a delivery may connect to, resolved and checked at this delivery (or a refusal thrown). */
export type ResolveAddress = (url: string) => Promise<{ address: string; family: 4 | 6 }>;

/** A receiver's answer is read (and dropped) up to this much; what matters is its status. */
const MAX_ANSWER_BYTES = 64 * 1024;
const USER_AGENT = 'xray-second-opinion-webhooks/1';

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Posts one Standard Webhooks message: signs the body with every current secret (`v1,<sig>` each,
 * space-separated), resolves the URL's host through the address guard at every attempt and connects
 * to exactly that address — the Host header and TLS server name stay the URL's, so a name that
 * resolves elsewhere later (DNS rebinding) cannot steer a delivery to a refused address.
 */
export class HttpWebhookSender implements WebhookSender {
  // Agents of its own, so that closing the sender closes its kept-alive connections.
  private readonly httpAgent = new HttpAgent({ keepAlive: true });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true });

  constructor(private readonly resolveAddress: ResolveAddress) {}

  /** Closes the connections kept alive to receivers (at shutdown). */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  async send(request: WebhookRequest): Promise<WebhookResponse> {
    const started = performance.now();
    const elapsed = (): number => performance.now() - started;
    let resolved: { address: string; family: 4 | 6 };
    try {
      resolved = await this.resolveAddress(request.url);
    } catch (error) {
      return { error: `address refused: ${errorText(error)}`, durationMs: elapsed() };
    }
    const timestamp = new Date();
    const signature = request.secrets
      .map((secret) => new Webhook(secret).sign(request.webhookId, timestamp, request.body))
      .join(' ');
    const url = new URL(request.url);
    const lookup: LookupFunction = (_hostname, options, callback) => {
      // Node asks with `all: true` (happy eyeballs) or without; answer in the form it asked for.
      if ((options as { all?: boolean }).all) {
        (callback as unknown as (error: null, addresses: Array<{ address: string; family: number }>) => void)(
          null,
          [{ address: resolved.address, family: resolved.family }],
        );
      } else callback(null, resolved.address, resolved.family);
    };
    const https = url.protocol === 'https:';
    const send = https ? httpsRequest : httpRequest;
    const timeout = AbortSignal.timeout(request.timeoutMs);
    const signal = AbortSignal.any([request.signal, timeout]);
    return new Promise<WebhookResponse>((resolve) => {
      let settled = false;
      const finish = (response: Omit<WebhookResponse, 'durationMs'>): void => {
        if (settled) return;
        settled = true;
        resolve({ ...response, durationMs: elapsed() });
      };
      const outgoing = send(
        url,
        {
          method: 'POST',
          agent: https ? this.httpsAgent : this.httpAgent,
          lookup,
          signal,
          // The URL's host for TLS (SNI and certificate check), whatever address was connected to.
          ...(https && { servername: url.hostname.replace(/^\[|\]$/g, '') }),
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(request.body),
            'user-agent': USER_AGENT,
            'webhook-id': request.webhookId,
            'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
            'webhook-signature': signature,
          },
        },
        (answer: IncomingMessage) => {
          const status = answer.statusCode;
          const retryAfter = answer.headers['retry-after'];
          let read = 0;
          answer.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > MAX_ANSWER_BYTES) answer.destroy();
          });
          const done = (): void =>
            finish({ ...(status !== undefined && { status }), ...(retryAfter && { retryAfter }) });
          answer.on('end', done);
          answer.on('close', done);
          answer.on('error', done);
        },
      );
      outgoing.on('error', (error) => {
        if (request.signal.aborted) finish({ error: 'stopped by the engine', aborted: true });
        else if (timeout.aborted) finish({ error: `no answer within ${request.timeoutMs} ms` });
        else finish({ error: errorText(error) });
      });
      outgoing.end(request.body);
    });
  }
}
