import type { Readable, Writable } from 'node:stream';
import { ConfirmPrompt, isCancel } from '@clack/core';

/**
 * A yes/no question on a terminal, drawn as `? Question › Yes` (the spec's line): Enter takes the
 * answer shown, y/n answer at once, the arrow keys and space change it. Ctrl-C or Esc answers
 * `undefined`: the person stopped the command, which is not a No.
 */
export async function confirm(
  question: string,
  io: { stdin: Readable; stdout: Writable },
  initial = true,
): Promise<boolean | undefined> {
  const prompt = new ConfirmPrompt({
    input: io.stdin,
    output: io.stdout,
    initialValue: initial,
    active: 'Yes',
    inactive: 'No',
    render() {
      return `? ${question} › ${this.value ? 'Yes' : 'No'}`;
    },
  });
  const answer = await prompt.prompt();
  return isCancel(answer) ? undefined : answer;
}
