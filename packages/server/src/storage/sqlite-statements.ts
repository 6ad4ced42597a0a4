import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Enough for every query shape the server builds; generated `IN (…)` lists of many lengths cycle out. */
const STATEMENT_CAPACITY = 500;

/**
 * A mark that moves whenever anything may have changed in the database. Caches that keep an entry
 * only under the mark it was read with can never serve a stale row.
 */
export interface ChangeMark {
  read(): string;
  /** Forgets the remembered mark, so the next `read` asks the database: called as each request starts. */
  refresh(): void;
}

export interface SqliteConnection {
  /** The database as Kysely's dialect sees it. */
  database: SqliteDatabase;
  changeMark: ChangeMark;
}

/**
 * Wraps a better-sqlite3 database for the server's two hot needs:
 * - Each SQL text is prepared once: Kysely calls `prepare` for every query it runs, which costs
 *   more than running a simple query. A statement is reusable with new parameters, and Kysely runs
 *   one query at a time on the connection, so none is ever in use twice at once.
 * - The change mark: `total_changes()` counts this connection's writes, and `data_version` moves
 *   when another connection (another server process, or an admin command such as `keys revoke`)
 *   commits. Reading `data_version` takes a read lock, as much as a query, so the mark is
 *   remembered until this connection writes, the request ends (`refresh` as the next one starts)
 *   or the event loop turns: each request still sees every commit made before it started.
 */
export function sqliteConnection(file: SQLite.Database): SqliteConnection {
  const statements = new Map<string, SqliteStatement>();
  const markStatement = file
    .prepare('SELECT total_changes() AS c, (SELECT data_version FROM pragma_data_version) AS v')
    .raw();
  let mark: string | undefined;

  const forgetMark = () => {
    mark = undefined;
  };
  const writing = (statement: SQLite.Statement): SqliteStatement => ({
    reader: statement.reader,
    all(parameters) {
      forgetMark();
      return statement.all(parameters);
    },
    run(parameters) {
      forgetMark();
      return statement.run(parameters);
    },
    iterate(parameters) {
      forgetMark();
      return statement.iterate(parameters);
    },
  });

  return {
    database: {
      close: () => file.close(),
      prepare(sql) {
        let statement = statements.get(sql);
        if (!statement) {
          const prepared = file.prepare(sql);
          statement = prepared.readonly ? prepared : writing(prepared);
          if (statements.size >= STATEMENT_CAPACITY) statements.delete(statements.keys().next().value!);
          statements.set(sql, statement);
        }
        return statement;
      },
    },
    changeMark: {
      read() {
        if (mark === undefined) {
          const [changes, version] = markStatement.get() as [number, number];
          mark = `${changes}:${version}`;
          setImmediate(forgetMark);
        }
        return mark;
      },
      refresh: forgetMark,
    },
  };
}
