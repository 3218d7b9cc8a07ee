/** Every webhook endpoint stream starts with this; the endpoint id (a UUID) follows. */
export const WEBHOOK_ENDPOINT_STREAM_PREFIX = 'webhook-endpoint-';

export const webhookEndpointStreamId = (endpointId: string): string =>
  `${WEBHOOK_ENDPOINT_STREAM_PREFIX}${endpointId}`;

/** The endpoint id of a webhook endpoint stream, or undefined for any other stream. */
export const endpointIdOfStream = (streamId: string): string | undefined =>
  streamId.startsWith(WEBHOOK_ENDPOINT_STREAM_PREFIX)
    ? streamId.slice(WEBHOOK_ENDPOINT_STREAM_PREFIX.length)
    : undefined;
