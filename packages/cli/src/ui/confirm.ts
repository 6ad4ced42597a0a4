/**
 * A yes/no question on a terminal, drawn as `? Question › Yes`: Enter takes the answer shown,
 * y/n or the arrow keys change it, Ctrl-C or Esc answers No.
 */
export function confirm(
  question: string,
  io: { stdin: NodeJS.ReadStream; stdout: NodeJS.WriteStream },
  initial = true,
): Promise<boolean> {
  const { stdin, stdout } = io;
  let answer = initial;
  const draw = () => stdout.write(`\r\x1b[2K? ${question} › ${answer ? 'Yes' : 'No'}`);
  return new Promise((resolve) => {
    const finish = (value: boolean) => {
      answer = value;
      draw();
      stdout.write('\n');
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onKey);
      resolve(value);
    };
    const onKey = (chunk: Buffer) => {
      const key = chunk.toString();
      if (key === '\r' || key === '\n') return finish(answer);
      if (key === '\u0003' || key === '\u001b') return finish(false);
      if (/^[yY]$/.test(key)) return finish(true);
      if (/^[nN]$/.test(key)) return finish(false);
      if (['\u001b[C', '\u001b[D', '\t', ' '].includes(key)) {
        answer = !answer;
        draw();
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onKey);
    draw();
  });
}
