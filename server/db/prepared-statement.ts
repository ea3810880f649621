import { createHash } from 'node:crypto';
import { getPgPool } from '@/server/infra/clients';

// A statement run as a named prepared statement on the pool Prisma also uses: each connection
// parses and plans it once, then only binds and runs it. For the hot multi-row statements (a
// batch of creates, of status changes) planning cost more than running. The name comes from
// the text, so a changed statement is never confused with an older one.

export type PreparedStatement<Row> = (values: unknown[]) => Promise<Row[]>;

export function definePreparedStatement<Row = Record<string, unknown>>(
  label: string,
  text: string,
): PreparedStatement<Row> {
  const name = `td_${label}_${createHash('sha256').update(text).digest('hex').slice(0, 12)}`;
  return async (values) => {
    const result = await getPgPool().query({ name, text, values });
    return result.rows as Row[];
  };
}
