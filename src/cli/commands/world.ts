import type { Command } from 'commander';

// Placeholder: replaced by the owner of this command.
export function registerWorld(program: Command): void {
  program.command('world').description('(world: not built yet)').action(() => {
    throw new Error('world is not built yet');
  });
}
