import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './i18n/en.json';
import vi from './i18n/vi.json';

const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('congso.lang') : null;
const lng = saved === 'en' ? 'en' : 'vi';

void i18n.use(initReactI18next).init({
  resources: { vi: { translation: vi }, en: { translation: en } },
  lng,
  fallbackLng: 'vi',
  interpolation: { escapeValue: false },
});
document.documentElement.lang = lng;

export function setLanguage(lang: 'vi' | 'en') {
  localStorage.setItem('congso.lang', lang);
  document.documentElement.lang = lang;
  void i18n.changeLanguage(lang);
}

export default i18n;
