import { ALLOW_LOOPBACK_SETTING } from '../../shared/net/public-address.ts';

/**
 * The webhook part of `npm start`'s banner: how to register a receiver and watch its deliveries.
 * The registration shown points at an http receiver on 127.0.0.1, which the SSRF guard refuses
 * (`422 webhook-url-not-allowed`, rule `https_only`) unless the run has the local-only setting; so
 * without it the lines say to restart with the setting first, rather than offer a command that fails.
 * @param options.base the local gateway's base URL (`http://127.0.0.1:<port>`)
 * @param options.apiKey the demo API key, written into the curl lines
 * @param options.loopbackAllowed whether this run takes loopback receivers (`loopbackHttpAllowed()`)
 * @returns the lines, joined by `\n`, without a trailing line break
 */
export function webhookBannerLines(options: { base: string; apiKey: string; loopbackAllowed: boolean }): string {
  const { base, apiKey, loopbackAllowed } = options;
  const setting = `${ALLOW_LOOPBACK_SETTING}=true`;
  const howTo = loopbackAllowed
    ? [`  this run takes receivers on http://127.0.0.1 (${setting}); register one:`]
    : [
        `  this run refuses receivers on http://127.0.0.1 (422, rule https_only): stop it and start it with`,
        `  ${setting} npm start, then register one:`,
      ];
  return [
    'Webhooks (delivered by the same delivery function as on AWS, from an in-process queue):',
    ...howTo,
    `  curl -s -X POST -H "Authorization: Bearer ${apiKey}" -H 'content-type: application/json' \\`,
    `    -d '{"url":"http://127.0.0.1:9000/hooks","events":["offer.accepted","offer.declined"]}' "${base}/v1/webhook-endpoints"`,
    '  Watch deliveries: the "webhook delivered" / "retry scheduled" log lines here, and',
    `  curl -s -H "Authorization: Bearer ${apiKey}" "${base}/v1/webhook-endpoints/<endpointId>/deliveries"`,
  ].join('\n');
}
