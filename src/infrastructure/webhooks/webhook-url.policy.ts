import { Inject, Injectable } from '@nestjs/common';
import type { WebhookUrlPolicy } from '../../application/webhook/webhook-url.port.js';
import { DomainError } from '../../domain/kernel/domain-error.js';
import { type UrlGuardOptions, WebhookUrlRefusedError, resolveDeliveryAddress } from './url-guard.js';

export const URL_GUARD_OPTIONS = Symbol('UrlGuardOptions');

/**
 * The URL guard at registration and change: the syntax, and every address the host resolves to now
 * (deliveries check again, each time).
 */
@Injectable()
export class GuardedWebhookUrls implements WebhookUrlPolicy {
  constructor(@Inject(URL_GUARD_OPTIONS) private readonly options: UrlGuardOptions) {}

  async check(url: string): Promise<void> {
    try {
      await resolveDeliveryAddress(url, this.options);
    } catch (error) {
      if (error instanceof WebhookUrlRefusedError) {
        throw new DomainError('webhook-url-refused', error.message, { reason: error.reason });
      }
      throw error;
    }
  }
}
