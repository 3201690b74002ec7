/** The SPA's routes, in one typed map: links never spell a path by hand. */
export const paths = {
  queue: '/',
  status: '/status',
  rules: '/rules',
  activity: '/activity',
  performance: '/performance',
  impact: '/impact',
  plan: '/plan',
} as const;

export type AppPath = (typeof paths)[keyof typeof paths];
