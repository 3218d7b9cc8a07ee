import { ProjectionNotReadyError } from '../../../projections/runner/projection-schemas.js';
import { ProblemException } from '../problem/problem-exception.js';

/** A read model whose first generation does not exist yet answers 503 with Retry-After. */
export async function readModel<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof ProjectionNotReadyError) {
      throw new ProblemException(503, 'projection-not-ready', error.message, {
        headers: { 'retry-after': '1' },
      });
    }
    throw error;
  }
}
