import type { ProjectionSchemas } from '../runner/projection.js';
import { ProjectionNotReadyError } from '../runner/projection-schemas.js';

/**
 * Cases on which `readerId` is a blinded reader (isBlindedViewer: it held an assignment and did not
 * submit), whatever the case's status, from the worklist.
 */
export async function pendingReadCaseIds(
  query: (sql: string, parameters: unknown[]) => Promise<Array<{ case_id: string }>>,
  schema: string,
  readerId: string,
): Promise<Set<string>> {
  const rows = await query(`SELECT case_id FROM "${schema}".worklist WHERE readers @> $1::jsonb`, [
    JSON.stringify([{ readerId, submitted: false }]),
  ]);
  return new Set(rows.map((row) => row.case_id));
}

/**
 * pendingReadCaseIds from the worklist's active generation; none while its runner has not
 * initialised it yet (it knows of no read then).
 */
export async function pendingReadsOf(
  schemas: ProjectionSchemas,
  query: (sql: string, parameters: unknown[]) => Promise<Array<{ case_id: string }>>,
  readerId: string,
): Promise<Set<string>> {
  try {
    return await schemas.withActiveSchema('worklist', (schema) =>
      pendingReadCaseIds(query, schema, readerId),
    );
  } catch (error) {
    if (error instanceof ProjectionNotReadyError) return new Set();
    throw error;
  }
}
