import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { DOCS_CSP } from '../../src/api/v1/docs.routes';
import { apiHarness } from '../support/api';
import { launchChromium } from '../support/browser';
import { useTestDatabase } from '../support/mongo';

const t = useTestDatabase(__filename);

// A cold Chromium start on a busy two-core machine takes a few seconds.
jest.setTimeout(90_000);

describe('API docs page: static serving', () => {
  let h: Awaited<ReturnType<typeof apiHarness>>;
  beforeAll(async () => {
    h = await apiHarness(t.db);
  });

  test('when the docs page is requested without a key, then it is HTML with a self-only CSP pointing at the local assets', async () => {
    const r = await h.anonymous().get('/api/v1/docs');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toBe(DOCS_CSP);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.text).toContain('src="/api/v1/docs/assets/swagger-ui-bundle.js"');
    expect(r.text).toContain('src="/api/v1/docs/init.js"');
    expect(r.text).not.toMatch(/https?:\/\//);
    const init = await h.anonymous().get('/api/v1/docs/init.js');
    expect(init.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(init.text).toContain('"/api/v1/openapi.json"');
    expect(init.text).toContain('validatorUrl: null');
  });

  test('when a Swagger UI asset is requested, then it comes from the package with its content type, and a second request with its ETag gets 304', async () => {
    const js = await h.anonymous().get('/api/v1/docs/assets/swagger-ui-bundle.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.text.length).toBeGreaterThan(100_000);
    const css = await h.anonymous().get('/api/v1/docs/assets/swagger-ui.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const png = await h.anonymous().get('/api/v1/docs/assets/favicon-32x32.png');
    expect(png.headers['content-type']).toBe('image/png');
    const again = await h
      .anonymous()
      .get('/api/v1/docs/assets/swagger-ui-bundle.js')
      .set('If-None-Match', js.headers.etag);
    expect(again.status).toBe(304);
  });

  test.each([
    '/api/v1/docs/assets/index.html',
    '/api/v1/docs/assets/package.json',
    '/api/v1/docs/assets/..%2Fpackage.json',
    '/api/v1/docs/assets/..%2F..%2F..%2Fpackage.json',
    '/api/v1/docs/assets/%2e%2e%2f%2e%2e%2fsrc%2fmain.ts',
    '/api/v1/docs/assets/swagger-ui-bundle.js.map',
    '/api/v1/docs/assets/toString',
    '/api/v1/docs/assets/__proto__',
  ])('when %s is requested, then it is a JSON 404 and no file is served', async (url) => {
    const r = await h.anonymous().get(url);
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
  });
});

describe('API docs page in a real browser', () => {
  let browser: Browser | undefined;
  let server: http.Server;
  let origin: string;

  beforeAll(async () => {
    const h = await apiHarness(t.db);
    server = http.createServer(h.server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  test('when /api/v1/docs is opened, then Swagger UI renders the robots operations from local files only, with no console errors', async () => {
    if (!browser) throw new Error('Chromium did not start');
    const page = await browser.newPage();
    const requested: string[] = [];
    const problems: string[] = [];
    page.on('request', (req) => requested.push(req.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    // Anything bound elsewhere is refused here as well, so a regression cannot reach the network.
    await page.route(
      (url) => url.origin !== origin && url.protocol !== 'data:',
      (route) => route.abort(),
    );

    const response = await page.goto(`${origin}/api/v1/docs`);
    expect(response?.status()).toBe(200);
    await page.locator('.opblock-summary-path[data-path="/api/v1/robots/{id}/login"]').waitFor({ state: 'visible' });

    const operations = await page
      .locator('.opblock-summary')
      .evaluateAll((blocks) =>
        blocks.map(
          (b) =>
            `${b.querySelector('.opblock-summary-method')?.textContent ?? ''} ${b.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? ''}`,
        ),
      );
    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /api/v1/robots',
        'GET /api/v1/robots',
        'GET /api/v1/robots/{id}',
        'DELETE /api/v1/robots/{id}',
      ]),
    );
    await expect(page.locator('.opblock-summary-path[data-path="/api/v1/robots"]').first().isVisible()).resolves.toBe(
      true,
    );
    await expect(page.locator('.info .title').textContent()).resolves.toContain('qunbot API');

    expect(requested.length).toBeGreaterThanOrEqual(4);
    expect(requested).toContain(`${origin}/api/v1/openapi.json`);
    expect(requested.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:'))).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
