#!/usr/bin/env node
// The `encore` command. Each subcommand lives in src/cli/commands/<name>.ts and registers itself here.
import { Command } from 'commander';
import { registerWorld } from './commands/world.js';
import { registerImport } from './commands/import.js';
import { registerTrain } from './commands/train.js';
import { registerServe } from './commands/serve.js';
import { registerStart } from './commands/start.js';
import { registerOffline } from './commands/offline.js';
import { registerEval } from './commands/eval.js';
import { registerExperiment } from './commands/experiment.js';
import { registerOpe } from './commands/ope.js';
import { registerSimulate } from './commands/simulate.js';
import { registerSealWorld } from './commands/sealWorld.js';

const program = new Command();
program.name('encore').description('Encore music recommender: world generation, training, serving, evaluation');
registerWorld(program);
registerImport(program);
registerTrain(program);
registerServe(program);
registerStart(program);
registerOffline(program);
registerEval(program);
registerExperiment(program);
registerOpe(program);
registerSimulate(program);
registerSealWorld(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  const e = err as { code?: string; message?: string };
  console.error(`encore: ${e.code ? `[${e.code}] ` : ''}${e.message ?? String(err)}`);
  process.exitCode = 1;
});
