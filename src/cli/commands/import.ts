import type { Command } from 'commander';

// Placeholder: replaced by the owner of this command.
export function registerImport(program: Command): void {
  program.command('import').description('(import: not built yet)').action(() => {
    throw new Error('import is not built yet');
  });
}
