import type { Command } from 'commander';

// Placeholder: replaced by the owner of this command.
export function registerOffline(program: Command): void {
  program.command('offline').description('(offline: not built yet)').action(() => {
    throw new Error('offline is not built yet');
  });
}
