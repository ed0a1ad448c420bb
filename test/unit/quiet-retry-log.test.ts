import { quietRetryLog } from '../../infra/local/table-stream.ts';

describe('quietRetryLog (npm start’s table stream lines)', () => {
  it('prints the first failure of a run, then nothing until a poll goes through, which counts the rest', () => {
    // Arrange
    const lines: string[] = [];
    const log = quietRetryLog(
      'table stream',
      (line) => lines.push(line),
      (error) => (error as Error).message,
    );

    // Act: a restart's worth of failed polls, the recovery, then a new outage.
    for (let poll = 0; poll < 36; poll++) log.onError?.(new Error('connect ECONNREFUSED 127.0.0.1:8000'));
    log.onRecovered?.();
    log.onError?.(new Error('socket hang up'));
    log.onError?.(new Error('socket hang up'));
    log.onRecovered?.();

    // Assert
    expect(lines).toEqual([
      'table stream error (retrying; quiet until it reads again): connect ECONNREFUSED 127.0.0.1:8000',
      'table stream reading again (35 more failed polls not shown)',
      'table stream error (retrying; quiet until it reads again): socket hang up',
      'table stream reading again (1 more failed poll not shown)',
    ]);
  });
});
