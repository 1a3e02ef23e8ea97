import { provideGlobalConfig } from 'element-plus';
import elEn from 'element-plus/es/locale/lang/en.mjs';
import elZhCn from 'element-plus/es/locale/lang/zh-cn.mjs';
import 'element-plus/dist/index.css';
import * as used from './element-plus';
import './styles.css';
import { computed, createApp } from 'vue';
import App from './App.vue';
import { session } from './api/client';
import { i18n } from './i18n';
import { router } from './router';
import { me } from './session';

// A request answered 401 (the session ended elsewhere, expired or was revoked): back to login, saying so.
session.onExpired = () => {
  if (!me.current) return;
  me.current = null;
  me.expired = true;
  void router.push({ name: 'login' });
};

const app = createApp(App).use(i18n).use(router);
// Only the Element Plus components the pages use are registered (and bundled).
for (const plugin of Object.values(used)) app.use(plugin);
// Element Plus's own texts (dialog buttons, empty tables) follow the console's language.
provideGlobalConfig(
  computed(() => ({ locale: i18n.global.locale.value === 'en' ? elEn : elZhCn })),
  app,
  true,
);
app.mount('#app');
