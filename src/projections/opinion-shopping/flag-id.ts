import { createHash } from 'node:crypto';
import { flagIds, type Sha256Hex } from '../../domain/opinion-shopping/opinion-shopping.rules.js';

/** Node's SHA-256, handed to the rules: the domain names flags but does no crypto itself. */
export const sha256Hex: Sha256Hex = (text) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The id a flag is stored under, e.g. `flagIdFor('OS-2', 'pt-1', 'wrist', 'evt-5')`. */
export const flagIdFor = flagIds(sha256Hex);
