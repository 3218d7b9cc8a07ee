/** Nest injection token of the delivery's view of endpoints (StreamDeliveryTargets). */
export const DELIVERY_TARGETS = Symbol('DeliveryTargets');
