import type { Command } from 'commander';
import { UserError } from '../../errors.ts';
import { printJson, withApi } from '../context.ts';
import { itemIds, parseList, parseNumber, parseRunId, printTable, writeImages } from '../support.ts';

interface Flags {
  attr?: string;
  item?: string;
  strength: string;
  balanced?: string;
  place?: boolean;
  out?: string;
  json?: boolean;
}

/** `latent-lab attribute <run>`: list attribute vectors with their AUC, or apply one to an item. */
export function register(program: Command): void {
  program
    .command('attribute')
    .description('attribute vectors (mean code with minus without): list them with their AUC, or add one to an item and decode')
    .argument('<run>', 'run id')
    .option('--attr <name>', 'attribute or label whose vector to apply')
    .option('--item <item>', 'item id or path relative to the dataset folder')
    .option('--strength <s>', 'in distances between the class means (mean with minus mean without); a comma list (e.g. -2,-1,0,1,2) gives a strip', '1')
    .option('--place', 'strength is the position to move to on the attribute axis (0 = mean without, 1 = mean with), the same degree for every image and seed')
    .option('--balanced <a,b>', 'balance the vectors against these attributes (bias correction)')
    .option('--out <file.png>', 'PNG to write (with --attr and --item)')
    .option('--json', 'print the vector list as JSON (without --item)')
    .action(async (runRef: string, flags: Flags, command: Command) => {
      const runId = parseRunId(runRef);
      const balanced = parseList(flags.balanced);
      await withApi(command, async (api) => {
        if (!flags.item) {
          const { vectors } = await api.invoke('attributeVectors', { runId, balanced });
          if (flags.json) return printJson(vectors);
          printTable(
            ['name', 'kind', 'AUC', 'with', 'without'],
            vectors.map((v) => [v.name, v.kind, v.auc.toFixed(3), v.withCount, v.withoutCount]),
          );
          return;
        }
        if (!flags.attr || !flags.out) throw new UserError('applying a vector needs --attr NAME, --item ITEM and --out FILE.png');
        const strengths = parseList(flags.strength).map((s) => parseNumber(s, '--strength'));
        if (strengths.length === 0) throw new UserError('--strength needs at least one number');
        const [itemId] = await itemIds(api, runId, [flags.item]);
        const attribute = flags.attr;
        const mode = flags.place ? 'place' : 'shift';
        const images = [];
        for (const strength of strengths) images.push(await api.invoke('applyAttribute', { runId, itemId, attribute, strength, mode, balanced }));
        await writeImages(flags.out, images);
        process.stdout.write(
          `"${attribute}": AUC ${images[0].auc.toFixed(3)}; the item sits at ${images[0].from.toFixed(2)} on its axis ` +
            `(0 = mean without, 1 = mean with); the edits take it to ${images.map((image) => image.to.toFixed(2)).join(', ')}\n`,
        );
      });
    });
}
