import { webhookBannerLines } from '../../infra/local/webhook-banner.ts';

const base = 'http://127.0.0.1:3917';
const apiKey = `pok_${'A'.repeat(43)}`;

describe("npm start's webhook lines", () => {
  it('without the local-only setting, say the loopback receiver shown is refused and how to restart to allow it', () => {
    const lines = webhookBannerLines({ base, apiKey, loopbackAllowed: false });

    expect(lines).toContain('this run refuses receivers on http://127.0.0.1 (422, rule https_only)');
    expect(lines).toContain('WEBHOOKS_ALLOW_LOOPBACK_HTTP=true npm start, then register one:');
    expect(lines).not.toContain('this run takes receivers');
  });

  it('with the setting on, say this run takes the loopback receiver and ask for no restart', () => {
    const lines = webhookBannerLines({ base, apiKey, loopbackAllowed: true });

    expect(lines).toContain(
      'this run takes receivers on http://127.0.0.1 (WEBHOOKS_ALLOW_LOOPBACK_HTTP=true); register one:',
    );
    expect(lines).not.toContain('refuses');
    expect(lines).not.toContain('stop it');
  });

  it.each([true, false])(
    'show the registration and the delivery log with the key and base (allowed: %s)',
    (loopbackAllowed) => {
      const lines = webhookBannerLines({ base, apiKey, loopbackAllowed });

      expect(lines).toContain(`-H "Authorization: Bearer ${apiKey}"`);
      expect(lines).toContain(`"url":"http://127.0.0.1:9000/hooks"`);
      expect(lines).toContain(`"${base}/v1/webhook-endpoints"`);
      expect(lines).toContain(`"${base}/v1/webhook-endpoints/<endpointId>/deliveries"`);
      expect(lines.endsWith('\n')).toBe(false);
    },
  );
});
