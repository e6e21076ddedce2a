import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alsAdditionOptions, numberOf, numberOption } from '../../src/cli/options.js';
import { MAX_ACTIVITY_EXPONENT } from '../../src/training/activityWeighting.js';

const badRequest = (message: RegExp) => (e: unknown): boolean => (e as { code?: string }).code === 'ENC_BAD_REQUEST' && message.test((e as Error).message);

test('numberOption: numbers pass, anything else is a coded error naming the flag and the value', () => {
  assert.equal(numberOption('k', '20'), 20);
  assert.equal(numberOption('lambda', 0.5), 0.5);
  assert.throws(() => numberOption('k', 'twenty'), badRequest(/^--k must be a number, got "twenty"$/));
  assert.throws(() => numberOption('k', undefined), badRequest(/--k must be a number/));
  assert.throws(() => numberOption('k', true), badRequest(/--k must be a number/));
  assert.throws(() => numberOption('k', 'Infinity'), badRequest(/--k must be a number/));
});

test('numberOf names the flag as typed, not commander\'s camelCase key', () => {
  assert.equal(numberOf({ warmIterations: '3' }, 'warmIterations'), 3);
  assert.throws(() => numberOf({ warmIterations: 'x' }, 'warmIterations'), badRequest(/^--warm-iterations must be a number/));
});

test('alsAdditionOptions: the ranges encore train and encore offline share', () => {
  assert.deepEqual(alsAdditionOptions('2', '0.5'), { featureListeners: 2, activityExponent: 0.5 });
  assert.throws(() => alsAdditionOptions('-1', '0'), badRequest(/--feature-listeners must be 0 or more, got -1/));
  assert.throws(() => alsAdditionOptions('0', String(MAX_ACTIVITY_EXPONENT + 0.1)), badRequest(/--activity-exponent must be between 0 and/));
  assert.throws(() => alsAdditionOptions('0', '-0.1'), badRequest(/--activity-exponent/));
});
