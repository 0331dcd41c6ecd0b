import type { TFunction } from 'i18next';
import type { Context } from 'koa';
import { type BillerDescriptor, normaliseConsumerValue } from '../../../adapters/sdk/index.js';
import { field } from '../http/forms.js';
import type { FieldError } from '../http/render.js';

/** One of a biller's consumer fields, ready for the govukInput macro. */
export interface ConsumerField {
  /** The form field's name: `consumer.<param name>`. */
  name: string;
  /** The input's id, which labels and the error summary link to: `consumer-<param name>`. */
  id: string;
  label: string;
  hint: string;
  /** The biller's pattern for the browser, loosened as the server is (spaces around, any script's digits). */
  pattern: string;
  value: string;
}

/**
 * The biller's pattern as an HTML `pattern` (compiled with the `v` flag): surrounding spaces
 * allowed and `\d` matching any script's decimal digits, since the server trims and turns
 * Devanagari or Bengali digits into ASCII before it checks the biller's own pattern.
 */
export function htmlPattern(pattern: string): string {
  return `\\s*(?:${pattern.replaceAll('\\d', '\\p{Nd}')})\\s*`;
}

/** The biller's consumer fields (label, pattern, help from its descriptor) with the values typed. */
export function consumerFields(
  biller: BillerDescriptor,
  values: Record<string, string>,
  t: TFunction,
): ConsumerField[] {
  return biller.consumerParams.map((param) => {
    const help = (param as { help?: string }).help;
    return {
      name: `consumer.${param.name}`,
      id: `consumer-${param.name}`,
      label: param.label,
      hint: help
        ? `${help} ${t('consumer.example', { example: param.example })}`
        : t('consumer.example', { example: param.example }),
      pattern: htmlPattern(param.pattern),
      value: values[param.name] ?? '',
    };
  });
}

/**
 * The consumer typed into a biller's form, normalised as the hub does (trimmed, any script's
 * digits as ASCII) and checked against the biller's patterns, with an error per bad field.
 */
export function readConsumer(
  ctx: Context,
  biller: BillerDescriptor,
  t: TFunction,
): { consumer: Record<string, string>; typed: Record<string, string>; errors: FieldError[] } {
  const consumer: Record<string, string> = {};
  const typed: Record<string, string> = {};
  const errors: FieldError[] = [];
  for (const param of biller.consumerParams) {
    const raw = field(ctx, `consumer.${param.name}`);
    typed[param.name] = raw;
    const value = normaliseConsumerValue(raw);
    consumer[param.name] = value;
    if (value === '') {
      errors.push({ field: `consumer-${param.name}`, text: t('consumer.required', { label: param.label }) });
    } else if (!new RegExp(`^(?:${param.pattern})$`).test(value)) {
      errors.push({
        field: `consumer-${param.name}`,
        text: t('consumer.pattern', { label: param.label, example: param.example }),
      });
    }
  }
  return { consumer, typed, errors };
}
