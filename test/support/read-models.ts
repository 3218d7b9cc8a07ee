import type pg from 'pg';

/** Which generation of a projection serves queries, read from the projection state table. */
export interface ActiveGeneration {
  name: string;
  generation: number;
  schema: string;
}

export async function activeGenerations(client: pg.Client): Promise<ActiveGeneration[]> {
  const { rows } = await client.query<ActiveGeneration>(
    `SELECT s.name, s.active_generation AS generation, g.schema_name AS schema
       FROM projections.projection_state s
       JOIN projections.projection_generations g ON g.name = s.name AND g.generation = s.active_generation
      ORDER BY s.name`,
  );
  return rows;
}

export async function activeGeneration(
  client: pg.Client,
  name: string,
): Promise<ActiveGeneration | undefined> {
  return (await activeGenerations(client)).find((active) => active.name === name);
}

/**
 * Every table of the active generation of each projection (or of the named ones), keyed
 * `projection.table`, as sorted JSON rows: two snapshots are equal when the read models are.
 */
export async function snapshotReadModels(
  client: pg.Client,
  names?: readonly string[],
): Promise<Record<string, string[]>> {
  const snapshot: Record<string, string[]> = {};
  for (const { name, schema } of await activeGenerations(client)) {
    if (names && !names.includes(name)) continue;
    const { rows: tables } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
      [schema],
    );
    for (const { table_name: table } of tables) {
      const { rows } = await client.query<{ row: unknown }>(
        `SELECT to_jsonb(t) AS row FROM "${schema}"."${table}" t`,
      );
      snapshot[`${name}.${table}`] = rows.map((row) => JSON.stringify(row.row)).sort();
    }
  }
  return snapshot;
}
