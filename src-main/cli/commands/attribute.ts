import type { Command } from 'commander';
import { UserError } from '../../errors.ts';
import { applyAttribute } from '../../latent/arithmetic.ts';
import { attributeVectors } from '../../latent/attributes.ts';
import { loadRunCodes } from '../../latent/codes.ts';
import { printJson, withDb } from '../context.ts';
import { parseList, parseNumber, parseRunId, resolveRunItem, withRunModel, writeImages } from '../support.ts';

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
      await withDb(command, (db) => {
        const codes = loadRunCodes(db, runId);
        if (!flags.item) {
          const vectors = attributeVectors(db, codes, balanced).map(({ vector: _v, ...rest }) => rest);
          if (flags.json) return printJson(vectors);
          process.stdout.write(`${'name'.padEnd(24)} ${'kind'.padEnd(9)} ${'AUC'.padStart(6)} ${'with'.padStart(7)} ${'without'.padStart(8)}\n`);
          for (const v of vectors) {
            process.stdout.write(`${v.name.padEnd(24)} ${v.kind.padEnd(9)} ${v.auc.toFixed(3).padStart(6)} ${String(v.withCount).padStart(7)} ${String(v.withoutCount).padStart(8)}\n`);
          }
          return;
        }
        if (!flags.attr || !flags.out) throw new UserError('applying a vector needs --attr NAME, --item ITEM and --out FILE.png');
        const strengths = parseList(flags.strength).map((s) => parseNumber(s, '--strength'));
        if (strengths.length === 0) throw new UserError('--strength needs at least one number');
        const itemId = resolveRunItem(db, runId, flags.item);
        const { attr, out } = flags;
        return withRunModel(db, runId, async (model) => {
          const shifted = applyAttribute(db, model, codes, itemId, attr, strengths, balanced, flags.place ? 'place' : 'shift');
          await writeImages(out, shifted);
          process.stdout.write(
            `${shifted.vector.kind} "${shifted.vector.name}": AUC ${shifted.vector.auc.toFixed(3)}; the item sits at ${shifted.from.toFixed(2)} on its axis ` +
              `(0 = mean without, 1 = mean with); the edits take it to ${shifted.to.map((t) => t.toFixed(2)).join(', ')}\n`,
          );
        });
      });
    });
}
