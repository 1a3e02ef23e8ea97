import ElementPlus from 'element-plus';
import 'element-plus/dist/index.css';
import { createApp } from 'vue';
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

createApp(App).use(i18n).use(router).use(ElementPlus).mount('#app');
