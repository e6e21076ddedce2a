import type { Command } from 'commander';

// Placeholder: replaced by the owner of this command.
export function registerStart(program: Command): void {
  program.command('start').description('(start: not built yet)').action(() => {
    throw new Error('start is not built yet');
  });
}
