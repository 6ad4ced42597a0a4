import pc from 'picocolors';

/** Where a command writes: people's text to stdout (stderr under --json), the JSON document to stdout. */
export interface Output {
  /** Under --json, stdout holds exactly one JSON document, also when the command fails. */
  readonly jsonMode: boolean;
  line(text?: string): void;
  error(text: string): void;
  json(document: unknown): void;
  paint: Paint;
}

export interface Paint {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export function createOutput(
  streams: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
  options: { json: boolean; color: boolean },
): Output {
  const colors = pc.createColors(options.color);
  const human = options.json ? streams.stderr : streams.stdout;
  return {
    jsonMode: options.json,
    line: (text = '') => human.write(`${text}\n`),
    error: (text) => streams.stderr.write(`${text}\n`),
    json: (document) => streams.stdout.write(`${JSON.stringify(document, null, 2)}\n`),
    paint: {
      green: colors.green,
      red: colors.red,
      yellow: colors.yellow,
      dim: colors.dim,
      bold: colors.bold,
    },
  };
}
