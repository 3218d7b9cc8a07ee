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
