import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { Errors } from '../../domain/errors.js';
import { numberOf } from '../options.js';
import { POLICIES, runSimulation, type PolicyName } from '../../sim/runSimulation.js';
import { apiKeyFrom } from '../../sim/client.js';
import { learningMarkdown, simHtml, simMarkdown } from '../../sim/report.js';

// `encore simulate --world DIR --days D --listeners L --policy encore|popular|random [--url URL] --out DIR`
export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description("closed-loop listening simulation: listeners drawn from the world's hidden truth model use a running Encore over HTTP, day after day")
    .requiredOption('--world <dir>', 'a synthetic world (encore world)')
    .requiredOption('--out <dir>', 'report.json and report.html go here (and, without --url, the service data)')
    .option('--days <n>', 'simulated days', '3')
    .option('--listeners <n>', 'simulated listeners (a seeded sample of the world)', '500')
    .option('--policy <name>', `feed policy: ${POLICIES.join(' | ')}`, 'encore')
    .option('--url <url>', 'a service already running on this world (default: start one)')
    .option('--bundles <dir>', 'with --url: the bundle directory the service watches (retraining writes there); without: the initial bundle (its latest version; default: train one)')
    .option('--events-log <url>', "with --url: the service's event log, to retrain between days")
    .option('--no-retrain', 'do not retrain between days')
    .option('--port <n>', 'port of the service the simulator starts', '18080')
    .option('--api-key <key>', 'sent as Authorization: Bearer KEY (default: $ENCORE_API_KEY)')
    .option('--concurrency <n>', 'listeners simulated at once', '4')
    .option('--seed <n>', 'random seed', '1')
    .option('--experiment <file>', 'without --url: experiments for the service it starts (encore serve --experiment FILE)')
    .option('--quiet', 'no progress lines')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const policy = String(o.policy);
      if (!(POLICIES as readonly string[]).includes(policy)) throw Errors.badRequest(`--policy must be one of ${POLICIES.join(', ')}`);
      const num = (key: string): number => numberOf(o, key);
      const out = String(o.out);
      const rep = await runSimulation(
        {
          world: String(o.world),
          days: num('days'),
          listeners: num('listeners'),
          policy: policy as PolicyName,
          url: typeof o.url === 'string' ? o.url : null,
          bundles: typeof o.bundles === 'string' ? o.bundles : null,
          eventsLog: typeof o.eventsLog === 'string' ? o.eventsLog : null,
          out,
          seed: num('seed'),
          port: num('port'),
          apiKey: apiKeyFrom(typeof o.apiKey === 'string' ? o.apiKey : undefined),
          retrain: o.retrain !== false,
          concurrency: num('concurrency'),
          experiment: typeof o.experiment === 'string' ? o.experiment : null,
          log: o.quiet === true ? () => undefined : (s) => process.stderr.write(`${s}\n`),
        },
        `encore ${process.argv.slice(2).join(' ')}`,
      );
      console.log(simMarkdown([rep]));
      const learning = learningMarkdown([rep]);
      if (learning !== '') console.log(`\nlearning apart from who returns (fixed panel, truth appeal of the first page):\n${learning}`);
      fs.writeFileSync(path.join(out, 'report.json'), JSON.stringify(rep, null, 1));
      fs.writeFileSync(path.join(out, 'report.html'), simHtml([rep]));
      console.log(`wrote ${path.join(out, 'report.json')} and ${path.join(out, 'report.html')}`);
    });
}
