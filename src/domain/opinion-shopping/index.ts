/** Opinion-shopping detection: rules OS-1 to OS-5 as a pure function of a patient's history. */
export * from './opinion-shopping.policy.js';
export * from './opinion-shopping.rules.js';
export * from './flag-review.js';
