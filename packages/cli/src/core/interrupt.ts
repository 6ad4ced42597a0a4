/**
 * Ctrl-C during a command: writes a last word on where things stand (what the server holds now),
 * then lets the interrupt take its course, so the process ends as interrupted (exit status 130)
 * at once, without waiting for requests in flight. Answers the function that stops listening.
 */
export function sayOnInterrupt(
  lastWord: () => string | undefined,
  write: (text: string) => void,
): () => void {
  const onInterrupt = () => {
    process.off('SIGINT', onInterrupt);
    const text = lastWord();
    if (text !== undefined) write(text);
    // With no listener left, SIGINT has its default effect again: the process ends by the signal.
    process.kill(process.pid, 'SIGINT');
  };
  process.on('SIGINT', onInterrupt);
  return () => process.off('SIGINT', onInterrupt);
}
