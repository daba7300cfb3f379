/**
 * Numbers and times as the page shows them. Deterministic (UTC, no locale), so the same summary.json always
 * gives the same page.
 */

/**
 * seconds: "0.045 s", "5 s", "1.2 s", "19.9 s": the millisecond the summary records below 10 s, tenths above;
 * no trailing zeros (bounds are written as whole seconds).
 */
export function seconds(value: number): string {
  const decimals = Math.abs(value) < 10 ? 3 : 1;
  return `${Number(value.toFixed(decimals))} s`;
}

/** dateTime: "2026-11-27 21:24:29 UTC" from an ISO time; the text itself when it is no time. */
export function dateTime(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return `${new Date(time).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** clockTime: "21:24:32.794" (UTC) from an ISO time; the text itself when it is no time. */
export function clockTime(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return new Date(time).toISOString().slice(11, 23);
}

/** offsetSeconds: "+3.57 s", the time from `originIso` to `iso`; empty when either is no time. */
export function offsetSeconds(iso: string, originIso: string): string {
  const time = Date.parse(iso);
  const origin = Date.parse(originIso);
  if (Number.isNaN(time) || Number.isNaN(origin)) return '';
  const delta = (time - origin) / 1000;
  return `${delta < 0 ? '-' : '+'}${Math.abs(delta).toFixed(2)} s`;
}

/** percent: 0.973 → "97.3 %". */
export function percent(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10} %`;
}

/** signedPercent: 34.456 → "+34 %", -98.4 → "-98 %". */
export function signedPercent(value: number): string {
  const rounded = Math.round(value);
  return `${rounded > 0 ? '+' : rounded < 0 ? '-' : '±'}${Math.abs(rounded)} %`;
}

/** plural: "1 sample", "3 samples". */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
