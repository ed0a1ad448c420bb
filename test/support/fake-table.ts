import type {
  DocumentDb,
  GetItemInput,
  GetItemOutput,
  TransactPut,
  TransactWriteItemsInput,
  UpdateItemInput,
  UpdateItemOutput,
} from '../../shared/db/document-db.ts';

type Answer<I, O> = (input: I) => O | Promise<O>;

interface Answers {
  getItem: Answer<GetItemInput, GetItemOutput>;
  updateItem: Answer<UpdateItemInput, UpdateItemOutput>;
  transactWriteItems: Answer<TransactWriteItemsInput, void>;
}

const DEFAULT_ANSWERS: Answers = {
  getItem: () => ({}),
  updateItem: () => ({}),
  transactWriteItems: () => undefined,
};

/**
 * The customer page's DocumentDb port for unit tests: records every call and answers with what the
 * test sets in `answers` (throw a DynamoDbError to fail like DynamoDB).
 */
export class FakeDocumentDb implements DocumentDb {
  answers: Answers = { ...DEFAULT_ANSWERS };
  readonly calls = {
    getItem: [] as GetItemInput[],
    updateItem: [] as UpdateItemInput[],
    transactWriteItems: [] as TransactWriteItemsInput[],
  };

  reset(): void {
    this.answers = { ...DEFAULT_ANSWERS };
    this.calls.getItem.length = 0;
    this.calls.updateItem.length = 0;
    this.calls.transactWriteItems.length = 0;
  }

  /** Every write the page asked for: view counts and transactions. */
  writes(): (UpdateItemInput | TransactWriteItemsInput)[] {
    return [...this.calls.updateItem, ...this.calls.transactWriteItems];
  }

  async getItem(input: GetItemInput): Promise<GetItemOutput> {
    this.calls.getItem.push(input);
    return this.answers.getItem(input);
  }

  async updateItem(input: UpdateItemInput): Promise<UpdateItemOutput> {
    this.calls.updateItem.push(input);
    return this.answers.updateItem(input);
  }

  async transactWriteItems(input: TransactWriteItemsInput): Promise<void> {
    this.calls.transactWriteItems.push(input);
    return this.answers.transactWriteItems(input);
  }
}

/** The Put of a transaction's item `index`, for assertions. */
export function putAt(input: TransactWriteItemsInput | undefined, index: number): TransactPut | undefined {
  const item = input?.TransactItems[index];
  return item && 'Put' in item ? item.Put : undefined;
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
