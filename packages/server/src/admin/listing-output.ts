import { UNSAFE_CHARACTER } from '@base44-connectors/contract';

type Cell = string | number | null;

const UNSAFE_EVERYWHERE = new RegExp(UNSAFE_CHARACTER.source, 'gu');

/**
 * The records as JSON (`--json`: one array, stable keys) or as a table with a header line. In the
 * table, times show to the minute in UTC, a missing value as `-`, and no stored text reaches the
 * terminal with a control or bidirectional character in it.
 */
export function formatListing<R extends object>(
  records: readonly R[],
  columns: readonly (keyof R & string)[],
  json: boolean,
): string {
  if (json) return JSON.stringify(records, null, 2);
  const cells = records.map((record) =>
    columns.map((column) => tableCell((record[column] as Cell | undefined) ?? null)),
  );
  const header = columns.map((column) => column.replace(/_at$/, '').replaceAll('_', ' ').toUpperCase());
  const widths = header.map((title, index) =>
    Math.max(title.length, ...cells.map((row) => row[index]!.length)),
  );
  return [header, ...cells]
    .map((row) =>
      row.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index]!))).join('  '),
    )
    .join('\n');
}

function tableCell(value: Cell): string {
  if (value === null) return '-';
  if (typeof value === 'number') return String(value);
  const time = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}):\d{2}\.\d{3}Z$/.exec(value);
  if (time) return `${time[1]} ${time[2]}`;
  return value.replace(UNSAFE_EVERYWHERE, '\uFFFD');
}
