import { createRouter, createWebHistory } from 'vue-router';
import { me, refreshMe } from './session';

/** The console's pages; each names the permission it needs (absent: any signed-in operator). */
export const router = createRouter({
  history: createWebHistory('/'),
  routes: [
    { path: '/', redirect: '/dashboard' },
    { path: '/dashboard', name: 'dashboard', component: () => import('./pages/DashboardPage.vue') },
    { path: '/login', name: 'login', component: () => import('./pages/LoginPage.vue'), meta: { public: true } },
    { path: '/password', name: 'password', component: () => import('./pages/PasswordPage.vue') },
    {
      path: '/robots',
      name: 'robots',
      component: () => import('./pages/RobotsPage.vue'),
      meta: { permission: 'robots.read' },
    },
    {
      path: '/rooms',
      name: 'rooms',
      component: () => import('./pages/RoomsPage.vue'),
      meta: { permission: 'rooms.read' },
    },
    {
      path: '/keywords',
      name: 'keywords',
      component: () => import('./pages/KeywordsPage.vue'),
      meta: { permission: 'keywords.read' },
    },
    {
      path: '/mentions',
      name: 'mentions',
      component: () => import('./pages/MentionsPage.vue'),
      meta: { permission: 'mentions.read' },
    },
    {
      path: '/sign-in',
      name: 'sign-in',
      component: () => import('./pages/SignInPage.vue'),
      meta: { permission: 'sign_in.read' },
    },
    {
      path: '/sensitive-words',
      name: 'sensitive-words',
      component: () => import('./pages/SensitiveWordsPage.vue'),
      meta: { permission: 'sensitive_words.read' },
    },
    {
      path: '/broadcasts',
      name: 'broadcasts',
      component: () => import('./pages/BroadcastsPage.vue'),
      meta: { permission: 'broadcasts.read' },
    },
    {
      path: '/operators',
      name: 'operators',
      component: () => import('./pages/OperatorsPage.vue'),
      meta: { permission: 'operators.manage' },
    },
    {
      path: '/roles',
      name: 'roles',
      component: () => import('./pages/RolesPage.vue'),
      meta: { permission: 'roles.manage' },
    },
    {
      path: '/integrations',
      name: 'integrations',
      component: () => import('./pages/IntegrationsPage.vue'),
      meta: { permission: 'webhooks.read' },
    },
    { path: '/:rest(.*)*', redirect: '/dashboard' },
  ],
});

router.beforeEach(async (to) => {
  if (!me.loaded) await refreshMe();
  if (to.meta.public) return me.current && to.name === 'login' ? '/' : true;
  if (!me.current) return { name: 'login', query: to.fullPath === '/' ? {} : { next: to.fullPath } };
  if (me.current.mustChangePassword && to.name !== 'password') return { name: 'password' };
  const permission = to.meta.permission as string | undefined;
  // A page the role does not allow: the overview instead (it shows only what the role may see).
  if (permission && !me.current.permissions.includes(permission)) return { name: 'dashboard' };
  return true;
});
