import { createI18n } from 'vue-i18n';
import en from './en';
import zhCN from './zh-CN';

/** Date and time to the second, in the browser's time zone. */
const SHORT = {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
} as const;

/** Chinese by default; English when the operator chose it (kept in the browser). */
const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem('qunbot.locale');

export const i18n = createI18n({
  legacy: false,
  locale: saved === 'en' ? 'en' : 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
  datetimeFormats: {
    'zh-CN': { short: SHORT },
    en: { short: SHORT },
  },
});

/** Switches the language and remembers it. */
export function setLocale(locale: 'zh-CN' | 'en'): void {
  i18n.global.locale.value = locale;
  localStorage.setItem('qunbot.locale', locale);
  document.documentElement.lang = locale;
}
