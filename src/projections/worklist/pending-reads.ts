/** Cases on which `readerId` holds a read it has not submitted while the case is still being read (from the worklist). */
export async function pendingReadCaseIds(
  query: (sql: string, parameters: unknown[]) => Promise<Array<{ case_id: string }>>,
  schema: string,
  readerId: string,
): Promise<Set<string>> {
  const rows = await query(
    `SELECT case_id FROM "${schema}".worklist
      WHERE status IN ('requested', 'in-review', 'awaiting-adjudication', 'awaiting-panel')
        AND readers @> $1::jsonb`,
    [JSON.stringify([{ readerId, submitted: false }])],
  );
  return new Set(rows.map((row) => row.case_id));
}
