/** A count of work that ends the operation when it runs out (a validation, a regex match). */

/** Thrown when a budget is spent; `what` says which one. */
export class BudgetExceeded extends Error {
  override name = 'BudgetExceeded';
  constructor(
    readonly what: string,
    readonly limit: number,
  ) {
    super(`needs more than ${limit.toLocaleString('en-US')} ${what}`);
  }
}

export class WorkBudget {
  #left: number;
  constructor(
    readonly limit: number,
    readonly what: string,
  ) {
    this.#left = limit;
  }

  /** @throws BudgetExceeded when `n` more would pass the limit. */
  spend(n = 1): void {
    this.#left -= n;
    if (this.#left < 0) throw new BudgetExceeded(this.what, this.limit);
  }
}
