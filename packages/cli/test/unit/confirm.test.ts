import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { confirm } from '../../src/ui/confirm.js';

const ESCAPE_SEQUENCE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`);

/** Asks the question on plain streams (no terminal), types `keys`, and answers what it returned and showed. */
async function answer(keys: string[], initial?: boolean) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  let shown = '';
  stdout.on('data', (chunk) => {
    shown += chunk.toString();
  });
  const asked = confirm('Open browser to authorize now?', { stdin, stdout }, initial);
  for (const key of keys) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    stdin.write(key);
  }
  const result = await asked;
  // Each frame is drawn over the last one: what the screen ends with is the last frame.
  const frames = shown.split(ESCAPE_SEQUENCE).filter((frame) => frame.trim() !== '');
  return { result, lastLine: frames.at(-1)?.trim() };
}

describe('confirm: the question push asks before it opens the browser', () => {
  it('takes the answer shown on Enter, Yes unless told otherwise, in the line the spec shows', async () => {
    expect(await answer(['\r'])).toEqual({
      result: true,
      lastLine: '? Open browser to authorize now? › Yes',
    });
    expect(await answer(['\r'], false)).toEqual({
      result: false,
      lastLine: '? Open browser to authorize now? › No',
    });
  });

  it('answers at once on y or n, and turns the answer with the arrow keys', async () => {
    expect((await answer(['n'])).result).toBe(false);
    expect((await answer(['y'], false)).result).toBe(true);
    expect(await answer(['\x1b[C', '\r'])).toEqual({
      result: false,
      lastLine: '? Open browser to authorize now? › No',
    });
  });

  it('answers undefined on Ctrl-C: the person stopped the command, which is not a No', async () => {
    expect((await answer(['\x03'])).result).toBeUndefined();
  });
});
