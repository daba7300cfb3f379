/**
 * Parameter types: text in steps becomes typed values once, here. They match generously ("fast" is captured
 * as a duration) so a wrong value gets a precise error from the domain parser instead of "undefined step".
 */
import { defineParameterType } from '@cucumber/cucumber';
import { parseDuration } from '../src/kernel/duration';
import { BadInput } from '../src/kernel/errors';
import type { Phase } from '../src/model/summary';
import { parseSlo } from '../src/slo/expression';
import { parsePromqlSlo } from '../src/prometheus/promql-slo';

/** {duration}: "500ms", "30s", "2m" → milliseconds. */
defineParameterType({
  name: 'duration',
  regexp: /[0-9A-Za-z.]+/,
  transformer: (text: string): number => parseDuration(text),
});

/** {percentage}: "99.5%" → the text "99.5%" (the SLO language owns percent parsing). */
defineParameterType({
  name: 'percentage',
  regexp: /[0-9.]+%|[0-9A-Za-z.]+ ?percent/,
  transformer: (text: string): string => {
    if (!/^\d+(\.\d+)?%$/.test(text)) throw new BadInput(`"${text}" is not a percentage`, undefined, 'write a number followed by %, e.g. 99.5%');
    return text;
  },
});

/** {node}: a node name as written in the environment file; resolved (and scope-checked) by the domain. */
defineParameterType({
  name: 'node',
  regexp: /[a-z0-9][a-z0-9-]*/,
  transformer: (text: string): string => text,
});

/** {rate}: "20 Hz" → 20. */
defineParameterType({
  name: 'rate',
  regexp: /[0-9.]+ ?Hz/,
  transformer: (text: string): number => Number(text.replace(/ ?Hz$/, '')),
});

/** {phase}: "in steady state" | "during the fault" | "after the fault" → before | during | after. */
defineParameterType({
  name: 'phase',
  regexp: /in steady state|during the fault|after the fault/,
  transformer: (text: string): Phase => (text === 'in steady state' ? 'before' : text === 'during the fault' ? 'during' : 'after'),
});

/**
 * {selection}: a node selector as src/kinds/hosts/selector.ts reads it — "a random web node", "1 of the web nodes",
 * "2 of 3 web nodes", "30% of the web nodes", "the web nodes"; resolved (seeded, scoped) by the domain.
 */
defineParameterType({
  name: 'selection',
  regexp: /(?:a random|one of the|all|every|the|\d+ of \d+|\d+ of the|\d+ random|\d+% of the) (?:[a-z0-9-]+ )?nodes?/,
  transformer: (text: string): string => text,
});

/** {osd}: "osd.3" → 3. */
defineParameterType({
  name: 'osd',
  regexp: /osd\.\d+/,
  transformer: (text: string): number => Number(text.slice(4)),
});

/** {osds}: "osd.0 and osd.1", "osd.0, osd.1 and osd.2" → [0, 1, 2]. */
defineParameterType({
  name: 'osds',
  regexp: /osd\.\d+(?:(?:, | and )osd\.\d+)+/,
  transformer: (text: string): number[] => [...text.matchAll(/osd\.(\d+)/g)].map((m) => Number(m[1])),
});

/** The text between the quotes of a quoted parameter ("..." or '...'). */
const quoted = (double: string | undefined, single: string | undefined): string => double ?? single ?? '';

/** {slo}: a quoted SLO, "p(95) < 300ms" — checked by the SLO language when the step is matched (plan time). */
defineParameterType({
  name: 'slo',
  regexp: /"([^"]*)"|'([^']*)'/,
  transformer: (double?: string, single?: string): string => {
    const text = quoted(double, single);
    parseSlo(text);
    return text;
  },
});

/** {promql-slo}: a quoted PromQL SLO, "promql(up{job='x'}) >= 1" — checked when the step is matched. */
defineParameterType({
  name: 'promql-slo',
  regexp: /"([^"]*)"/,
  transformer: (text: string): string => {
    parsePromqlSlo(text);
    return text;
  },
});
