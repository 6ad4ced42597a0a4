import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { RowCache } from '../../src/storage/row-cache.js';
import { type ChangeMark, sqliteConnection } from '../../src/storage/sqlite-statements.js';

class MovableMark implements ChangeMark {
  value = 0;
  read = () => String(this.value);
  refresh = () => undefined;
}

function aCache(mark: ChangeMark | undefined, clock = { millis: 0 }) {
  return new RowCache<string>(mark, { ttlMs: 1000, capacity: 2, now: () => clock.millis });
}

describe('RowCache', () => {
  it('serves an entry while the change mark stays where it was read', () => {
    const mark = new MovableMark();
    const cache = aCache(mark);
    expect(cache.get('a')).toBeUndefined();
    cache.store('a', 'row a', cache.mark());
    expect(cache.get('a')).toBe('row a');
  });

  it('drops every entry once the change mark moves', () => {
    const mark = new MovableMark();
    const cache = aCache(mark);
    cache.get('a');
    cache.store('a', 'row a', cache.mark());
    mark.value++;
    expect(cache.get('a')).toBeUndefined();
    mark.value--;
    expect(cache.get('a')).toBeUndefined();
  });

  it('does not keep a row read while the database changed', () => {
    const mark = new MovableMark();
    const cache = aCache(mark);
    cache.get('a');
    const before = cache.mark();
    mark.value++; // a write lands while the row is being read
    cache.store('a', 'row a', before);
    expect(cache.get('a')).toBeUndefined();
  });

  it('forgets an entry after its time to live', () => {
    const clock = { millis: 0 };
    const cache = aCache(new MovableMark(), clock);
    cache.get('a');
    cache.store('a', 'row a', cache.mark());
    clock.millis = 999;
    expect(cache.get('a')).toBe('row a');
    clock.millis = 1000;
    expect(cache.get('a')).toBeUndefined();
  });

  it('holds at most its capacity, letting the oldest entry go', () => {
    const cache = aCache(new MovableMark());
    cache.get('a');
    for (const key of ['a', 'b', 'c']) cache.store(key, `row ${key}`, cache.mark());
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, 'row b', 'row c']);
  });

  it('caches nothing without a change mark', () => {
    const cache = aCache(undefined);
    cache.store('a', 'row a', cache.mark());
    expect(cache.get('a')).toBeUndefined();
  });
});

describe('the SQLite connection of the server', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function twoConnections() {
    dir = await mkdtemp(join(tmpdir(), 'base44-mark-'));
    const file = join(dir, 'test.db');
    const ours = new SQLite(file);
    ours.pragma('journal_mode = WAL');
    ours.exec('create table t (x integer)');
    const theirs = new SQLite(file);
    return { ours, theirs, connection: sqliteConnection(ours) };
  }

  it('moves its change mark with its own writes and with commits of another connection', async () => {
    const { ours, theirs, connection } = await twoConnections();
    const { changeMark, database } = connection;
    const first = changeMark.read();

    database.prepare('insert into t values (1)').run([]);
    const afterOwnWrite = changeMark.read();
    expect(afterOwnWrite).not.toBe(first);

    theirs.prepare('insert into t values (2)').run();
    changeMark.refresh(); // as the next request starts
    expect(changeMark.read()).not.toBe(afterOwnWrite);
    theirs.close();
    ours.close();
  });

  it('keeps its change mark for the rest of a request when nothing changed', async () => {
    const { ours, theirs, connection } = await twoConnections();
    const { changeMark, database } = connection;
    const first = changeMark.read();
    database.prepare('select * from t').all([]);
    expect(changeMark.read()).toBe(first);
    theirs.close();
    ours.close();
  });

  it('prepares each SQL text once', async () => {
    const { ours, theirs, connection } = await twoConnections();
    const select = 'select count(*) as n from t where x = ?';
    expect(connection.database.prepare(select)).toBe(connection.database.prepare(select));
    expect(connection.database.prepare(select).all([1])).toEqual([{ n: 0 }]);
    theirs.close();
    ours.close();
  });
});
