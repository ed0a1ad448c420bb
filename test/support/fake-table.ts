import type {
  BatchGetInput,
  GetInput,
  Item,
  PutInput,
  QueryInput,
  QueryPage,
  Table,
  TransactItem,
  UpdateInput,
  UpdateItemInput,
} from '../../shared/db/port.ts';

type Answer<I, O> = (input: I) => O | Promise<O>;

interface Answers {
  get: Answer<GetInput, Item | undefined>;
  put: Answer<PutInput, void>;
  update: Answer<UpdateItemInput, Item | undefined>;
  query: Answer<QueryInput, QueryPage>;
  batchGet: Answer<BatchGetInput, Item[]>;
  transactWrite: Answer<readonly TransactItem[], void>;
}

const DEFAULT_ANSWERS: Answers = {
  get: () => undefined,
  put: () => undefined,
  update: () => undefined,
  query: () => ({ Items: [] }),
  batchGet: () => [],
  transactWrite: () => undefined,
};

/**
 * The one test double of the DynamoDB port (shared/db/port.ts) for unit tests: records every call
 * and answers with what the test sets in `answers` (throw ConditionFailedError,
 * TransactionCanceledError or an adapter's error to fail like DynamoDB). Stores under test take it
 * as their Table.
 */
export class FakeTable implements Table {
  readonly name = 'unit-table';
  answers: Answers = { ...DEFAULT_ANSWERS };
  readonly calls = {
    get: [] as GetInput[],
    put: [] as PutInput[],
    update: [] as UpdateItemInput[],
    query: [] as QueryInput[],
    batchGet: [] as BatchGetInput[],
    transactWrite: [] as (readonly TransactItem[])[],
  };

  reset(): void {
    this.answers = { ...DEFAULT_ANSWERS };
    for (const calls of Object.values(this.calls)) calls.length = 0;
  }

  /** Every write asked for: puts, updates and transactions. */
  writes(): (PutInput | UpdateItemInput | readonly TransactItem[])[] {
    return [...this.calls.put, ...this.calls.update, ...this.calls.transactWrite];
  }

  async get(input: GetInput): Promise<Item | undefined> {
    this.calls.get.push(input);
    return this.answers.get(input);
  }

  async put(input: PutInput): Promise<void> {
    this.calls.put.push(input);
    return this.answers.put(input);
  }

  async update(input: UpdateItemInput): Promise<Item | undefined> {
    this.calls.update.push(input);
    return this.answers.update(input);
  }

  async query(input: QueryInput): Promise<QueryPage> {
    this.calls.query.push(input);
    return this.answers.query(input);
  }

  async batchGet(input: BatchGetInput): Promise<Item[]> {
    this.calls.batchGet.push(input);
    return this.answers.batchGet(input);
  }

  async transactWrite(items: readonly TransactItem[]): Promise<void> {
    this.calls.transactWrite.push(items);
    return this.answers.transactWrite(items);
  }
}

/** The Put of a transaction's item `index`, for assertions. */
export function putAt(items: readonly TransactItem[] | undefined, index: number): PutInput | undefined {
  const item = items?.[index];
  return item && 'Put' in item ? item.Put : undefined;
}

/** The Update of a transaction's item `index`, for assertions. */
export function updateAt(items: readonly TransactItem[] | undefined, index: number): UpdateInput | undefined {
  const item = items?.[index];
  return item && 'Update' in item ? item.Update : undefined;
}

/** Answers in turn, the last one for every call after; a function answer may throw. */
export function inTurn<I, O>(...answers: Answer<I, O>[]): Answer<I, O> {
  let call = 0;
  return (input) => {
    const answer = answers[Math.min(call++, answers.length - 1)];
    if (!answer) throw new Error('inTurn needs at least one answer');
    return answer(input);
  };
}
