/** The provider template form's plain logic: region choices in the UI's language, completeness. */
import type { TemplateAnswers, TemplateField } from '../../../common/provider-templates';
import { providerRegions, type Provider } from '../../../common/providers';
import type { UiLocale } from './format';

/** The provider's name as it calls itself in `locale`. */
export function providerName(provider: Provider, locale: UiLocale): string {
  return (locale === 'zh-CN' ? provider.localNames?.['zh-CN'] : undefined) ?? provider.name;
}

export interface RegionOption {
  id: string;
  /** As the provider's documentation names the region in `locale`, with its id; else the id. */
  label: string;
}

export function regionOptions(provider: Provider, locale: UiLocale): RegionOption[] {
  return providerRegions(provider).map((id) => {
    const name = provider.regionNames?.[id]?.[locale];
    return { id, label: name === undefined ? id : `${name} (${id})` };
  });
}

/** Whether every question asked has an answer, the secret included (blanks are no answer). */
export function answersComplete(fields: TemplateField[], answers: TemplateAnswers): boolean {
  return (
    fields.every((field) => (answers[field] ?? '').trim() !== '') && (answers.secret ?? '') !== ''
  );
}
