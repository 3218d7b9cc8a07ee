import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookPayload } from '../../src/application/webhook/delivery/webhook-delivery.policy.js';
import { waitFor } from './wait-for.js';

/** One request the receiver got, as it arrived. */
export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
  /** The parsed body (the thin Standard Webhooks payload). */
  payload: WebhookPayload;
  /** ms since the epoch. */
  receivedAt: number;
  /** The status it was answered with (undefined while held or when never answered). */
  answered?: number;
}

/** How to answer one request: a status (with headers, after a delay), or hold it until released. */
export type Answer = { status: number; headers?: Record<string, string>; delayMs?: number } | 'hold';

/**
 * A real webhook receiver for the tests: node:http on 127.0.0.1 (engines under test run with
 * WEBHOOKS_ALLOW_LOOPBACK=true), recording every request and answering as `answer` says
 * (200 by default).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  answer: (request: ReceivedWebhook, index: number) => Answer = () => ({ status: 200 });
  private readonly held = new Map<ServerResponse, ReceivedWebhook>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const receiver = new WebhookReceiver(server, (server.address() as AddressInfo).port);
    server.on('request', (request: IncomingMessage, response: ServerResponse) =>
      receiver.handle(request, response),
    );
    return receiver;
  }

  url(path = '/hooks'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Requests acknowledged with a 2xx. */
  get delivered(): ReceivedWebhook[] {
    return this.received.filter(
      ({ answered }) => answered !== undefined && answered >= 200 && answered < 300,
    );
  }

  /** Requests being held now. */
  get holding(): number {
    return this.held.size;
  }

  async waitUntil(
    description: string,
    condition: (receiver: WebhookReceiver) => boolean,
    timeoutMs = 20_000,
  ): Promise<void> {
    await waitFor(description, () => condition(this), { timeoutMs, intervalMs: 25 });
  }

  /** Answers every held request with this status. */
  release(status = 200): void {
    for (const [response, received] of this.held) {
      received.answered = status;
      response.writeHead(status).end();
    }
    this.held.clear();
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    for (const response of this.held.keys()) response.destroy();
    this.held.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === 'string') headers[name] = value;
      }
      let payload: ReceivedWebhook['payload'];
      try {
        payload = JSON.parse(body) as ReceivedWebhook['payload'];
      } catch {
        response.writeHead(400).end();
        return;
      }
      const received: ReceivedWebhook = { headers, body, payload, receivedAt: Date.now() };
      const index = this.received.push(received) - 1;
      const answer = this.answer(received, index);
      if (answer === 'hold') {
        this.held.set(response, received);
        response.on('close', () => this.held.delete(response));
        return;
      }
      const send = (): void => {
        if (response.destroyed) return;
        received.answered = answer.status;
        response.writeHead(answer.status, answer.headers).end();
      };
      if (!answer.delayMs) return send();
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        send();
      }, answer.delayMs);
      this.timers.add(timer);
    });
  }
}
