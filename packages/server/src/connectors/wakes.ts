/** Wakes of one waiter: `next` resolves at the next wake (or one that came meanwhile), or after `ms`. */
export class Wakes {
  private resolve: (() => void) | undefined;
  private missed = false;

  wake(): void {
    if (this.resolve) this.resolve();
    else this.missed = true;
  }

  async next(ms: number): Promise<void> {
    if (this.missed) {
      this.missed = false;
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.resolve = resolve;
      timer = setTimeout(resolve, ms);
    });
    clearTimeout(timer);
    this.resolve = undefined;
  }
}
