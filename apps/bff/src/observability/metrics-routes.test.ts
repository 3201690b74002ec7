import express from 'express';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { Metrics } from './metrics.ts';
import { metricsHandler, portOf, startMetricsServer } from './metrics-routes.ts';

const TOKEN = 'a-metrics-token-of-some-length';

function appWith(token: string | undefined) {
  const metrics = new Metrics();
  metrics.stageEvents([{ recommendationId: 'r1', toStatus: 'approved', at: new Date() }]);
  metrics.quarantined(['partner-opportunities', 'partner-opportunities']);
  const app = express();
  app.get('/metrics', metricsHandler(metrics, token));
  return app;
}

describe('/metrics', () => {
  it('is open without METRICS_TOKEN, in Prometheus text', async () => {
    const response = await supertest(appWith(undefined)).get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.text).toContain('recdesk_recommendation_stage_total{stage="approved"} 1');
    expect(response.text).toContain('recdesk_recommendation_stage_total{stage="quarantined"} 2');
    expect(response.text).toContain('recdesk_recommendation_stage_total{stage="expired"} 0');
    expect(response.text).toContain('recdesk_quarantined_items_total{source="partner-opportunities"} 2');
  });

  it('needs the bearer token when METRICS_TOKEN is set', async () => {
    const app = appWith(TOKEN);
    await supertest(app).get('/metrics').expect(401);
    await supertest(app).get('/metrics').set('authorization', 'Bearer wrong-token').expect(401);
    await supertest(app).get('/metrics').set('authorization', `Basic ${TOKEN}`).expect(401);
    const ok = await supertest(app).get('/metrics').set('authorization', `Bearer ${TOKEN}`).expect(200);
    expect(ok.text).toContain('recdesk_recommendation_stage_total');
  });

  it("serves a worker's metrics on a port of its own, with the same token rule", async () => {
    const metrics = new Metrics();
    const server = await startMetricsServer(metrics, { port: 0, host: '127.0.0.1', token: TOKEN });
    try {
      const base = `http://127.0.0.1:${portOf(server)}`;
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      const ok = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('# TYPE recdesk_apply_latency_seconds histogram');
      expect((await fetch(`${base}/other`)).status).toBe(404);
    } finally {
      server.close();
    }
  });
});
