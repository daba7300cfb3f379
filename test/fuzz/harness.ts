/**
 * The fuzz suite's shared parts (fast-check): one seed per process (FUZZ_SEED, else random — printed, so a
 * failure replays with `FUZZ_SEED=<seed> bash test/run-unit.sh` or on one file), FUZZ_RUNS cases per kind (default
 * 1000), the per-kind case count printed when the file ends, and the two judgements every kind shares: an error is
 * either BadInput with a `fix:` line (a refusal, exit 2) or a failure of the property (an internal error).
 */
import fc from 'fast-check';
import { BadInput } from '../../src/kernel/errors';

/** SEED: the seed of every property in this process. */
export const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
/** RUNS: cases per kind (issue 17: at least 1,000 per CI run). */
export const RUNS = process.env.FUZZ_RUNS !== undefined ? Number(process.env.FUZZ_RUNS) : 1000;

const counts = new Map<string, number>();

/** fuzz: checks `property` on RUNS generated cases, seeded; counts them under `kind`; a failure names the seed and the path to replay. */
export async function fuzz<T>(kind: string, arbitrary: fc.Arbitrary<T>, property: (value: T) => void | Promise<void>, runs: number = RUNS): Promise<void> {
  let ran = 0;
  const result = await fc.check(
    fc.asyncProperty(arbitrary, async (value) => {
      ran++;
      await property(value);
    }),
    { seed: SEED, numRuns: runs },
  );
  counts.set(kind, (counts.get(kind) ?? 0) + ran);
  if (result.failed) {
    throw new Error(
      `fuzz ${kind}: property failed after ${result.numRuns} case(s); replay with FUZZ_SEED=${SEED} (path ${result.counterexamplePath ?? '?'})\n` +
        `counterexample: ${fc.stringify(result.counterexample)}\n${result.errorInstance instanceof Error ? (result.errorInstance.stack ?? result.errorInstance.message) : String(result.errorInstance)}`,
    );
  }
}

/** report: the line a fuzz file prints at its end: the seed and the cases per kind. */
export function report(file: string): string {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return `fuzz ${file}: ${total} cases (${[...counts].map(([kind, n]) => `${kind} ${n}`).join(', ')}); seed ${SEED} (replay: FUZZ_SEED=${SEED})`;
}

/** refusedWell: the error is a refusal as issue 17 wants it — BadInput whose message carries a `fix:` line. */
export function refusedWell(error: unknown): boolean {
  return error instanceof BadInput && /\n\s*fix: \S/.test(error.message);
}

/** expectValueOrRefusal: runs `f`; a thrown error must be a good refusal, anything else is rethrown with its input. */
export function expectValueOrRefusal<T>(input: unknown, f: () => T): T | undefined {
  try {
    return f();
  } catch (error) {
    if (refusedWell(error)) return undefined;
    throw new Error(`not a refusal with a fix line for ${JSON.stringify(input)}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
}

/** sometimes: text that is mostly well-formed, sometimes any string (the hurried SRE's typo). */
export function sometimes(good: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: fc.string({ maxLength: 24 }) }, { weight: 1, arbitrary: fc.constantFrom('', ' ', '0', '-1', 'NaN', 'Infinity', '1e309', '99999999999999999999', '٣') });
}

/** number text: integers and decimals of every size, as people and typos write them. */
export const numberText: fc.Arbitrary<string> = fc.oneof(
  fc.nat({ max: 1000 }).map(String),
  fc.nat().map(String),
  fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String),
  fc.tuple(fc.nat({ max: 100_000 }), fc.nat({ max: 999 })).map(([a, b]) => `${a}.${b}`),
  fc.constantFrom('0', '0.0', '00', '1e3', '-5', '.5', '5.', '99999999'),
);
