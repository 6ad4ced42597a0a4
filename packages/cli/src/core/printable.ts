// Control characters from outside (a server's message, a scope, an email) would drive the
// terminal: colours, cursor moves, the clipboard (OSC 52). They are shown escaped instead.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` safe to print: every control or bidirectional-override character written as `\uXXXX`. */
export function printable(text: string): string {
  return text.replace(CONTROL, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
